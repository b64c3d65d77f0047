//! Nothing gets past the rules: hostile or absurd input is refused cleanly, sign-in cannot be
//! guessed at speed, and answers say what they are.

use crate::common;
use common::*;
use reqwest::StatusCode;

#[tokio::test]
async fn json_answers_are_never_sniffed_into_something_else() {
    let app = spawn_demo().await;
    for path in [
        "/health",
        "/api/v1/events/izmir-2021",
        "/api/v1/events/izmir-2021/programme",
        "/api/v1/events/no-such-event",
    ] {
        // Twice: the second programme read is answered from the read cache.
        for _ in 0..2 {
            let response = app.get(path).await;
            assert_eq!(
                response
                    .headers()
                    .get("x-content-type-options")
                    .map(|v| v.to_str().unwrap()),
                Some("nosniff"),
                "{path} answered {}",
                response.status()
            );
        }
    }
    assert_eq!(
        app.get("/api/v1/events/no-such-event").await.status(),
        StatusCode::NOT_FOUND
    );
}
