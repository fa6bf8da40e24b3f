mod calibration;
mod engine;
mod support;
