mod calibration;
