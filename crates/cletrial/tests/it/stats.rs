//! PLACEHOLDER: tests of the stats commands, owned by the helper of that area.
