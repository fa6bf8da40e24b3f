//! PLACEHOLDER: tests of the calc commands, owned by the helper of that area.
