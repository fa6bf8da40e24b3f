//! PLACEHOLDER: tests of the protocol commands, owned by the helper of that area.
