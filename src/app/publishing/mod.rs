//! What becomes public and when: the conflict gate before publishing, and the versions of the
//! programme kept whole with their changelog.

pub mod conflicts;
pub mod versions;
