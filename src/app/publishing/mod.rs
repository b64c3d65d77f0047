//! What becomes public and when: the conflict gate before publishing, and the versions of the
//! programme kept whole with their changelog, and the working copy organisers prepare meanwhile.

pub mod conflicts;
pub mod publication;
pub mod versions;
pub mod working;
