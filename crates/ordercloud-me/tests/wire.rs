//! A generated call with a secret in its query: the anonymous shopper's token of
//! `Me.Register` is sent, and kept out of every error's text.

use ordercloud_me::models::MeUser;
use ordercloud_me::{ApiClient, MeApi};
use ordercloud_transport::MockTransport;

#[tokio::test]
async fn the_anonymous_token_in_the_query_never_reaches_an_error() {
    let mock = MockTransport::new();
    mock.push_status(
        400,
        r#"{"Errors":[{"ErrorCode":"Auth.InvalidToken","Message":"bad anonUserToken Anon-Secret-Token-123"}]}"#,
    );
    let me = MeApi::new(ApiClient::builder().transport(mock.clone()).access_token("t").build().unwrap());
    let user = MeUser::new()
        .with_username("jdoe")
        .with_first_name("Jane")
        .with_last_name("Doe")
        .with_email("jdoe@example.com")
        .with_active(true);
    let error = me.register("Anon-Secret-Token-123", &user).send().await.unwrap_err();
    assert_eq!(mock.requests()[0].uri.query(), Some("anonUserToken=Anon-Secret-Token-123"));
    for text in [error.to_string(), format!("{error:?}")] {
        assert!(!text.to_lowercase().contains("anon-secret-token"), "{text}");
    }
}
