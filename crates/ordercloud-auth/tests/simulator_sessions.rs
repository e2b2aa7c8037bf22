//! Shoppers' sessions against the simulator over real HTTP on 127.0.0.1: renewal with the
//! newest refresh token as the simulator rotates them, the end of a session without one,
//! a restore after a "restart", and the token requests of 1,000 shoppers under load,
//! counted with the simulator's request log.

mod common;

use common::{simulator, simulator_client as client};

use std::sync::{Arc, Mutex};
use std::time::Duration;

use ordercloud_auth::{AuthApi, Session, SessionEnd, SessionEvent, SessionSnapshot, TokenRequest};
use ordercloud_models::OneTimePasswordEventBody;
use ordercloud_simulator::{SimApiClient, SimUser, Simulator};
use ordercloud_transport::http::Method;
use ordercloud_transport::{ApiClient, Error};

const CLIENT: &str = common::STOREFRONT;
const LIFETIME: Duration = Duration::from_secs(600);

fn refreshing() -> SimApiClient {
    SimApiClient::new(CLIENT).with_refresh_tokens(true).with_token_lifetime(LIFETIME)
}

async fn log_in(client: &ApiClient, username: &str, password: &str) -> Session {
    let token = AuthApi::new(client.clone()).token(&TokenRequest::password(CLIENT, username, password)).await.unwrap();
    Session::from_login(client.clone(), CLIENT, token).unwrap()
}

async fn me(session: &Session) -> Result<String, Error> {
    let user: serde_json::Value = session.client().request(Method::GET, "/me").send_json().await?;
    Ok(user["Username"].as_str().unwrap_or_default().to_owned())
}

#[tokio::test]
async fn after_a_one_time_password_login_renewals_follow_the_rotating_refresh_token() {
    let simulator = simulator(refreshing()).await;
    let client = client(&simulator);
    client
        .request(Method::POST, "/password/onetimepassword")
        .json(&serde_json::json!({"ClientID": CLIENT, "Username": "jdoe"}))
        .send_empty()
        .await
        .unwrap();
    let otp = simulator.last_message_to("jdoe@example.com").unwrap();
    let otp = otp.event_body::<OneTimePasswordEventBody>().unwrap().one_time_password.unwrap();
    let session = log_in(&client, "jdoe", &otp).await;
    assert_eq!(me(&session).await.unwrap(), "jdoe");
    for _ in 0..3 {
        // Past the token's expiry on the simulator's clock: the API refuses it, the session
        // renews with its refresh token, which the simulator spends and replaces.
        simulator.advance(LIFETIME + Duration::from_secs(1));
        assert_eq!(me(&session).await.unwrap(), "jdoe");
    }
    let log = simulator.requests();
    assert_eq!(log.token_requests_with_grant("password"), 1, "the one-time password was used once");
    assert_eq!(log.token_requests_with_grant("refresh_token"), 3);
    assert_eq!(log.count_with_status("POST", "/oauth/token", 200), 4, "every refresh used the newest token");
    assert_eq!(log.count_with_status("GET", "/v1/me", 401), 3);
    assert_eq!(log.count_with_status("GET", "/v1/me", 200), 4);
}

#[tokio::test]
async fn without_refresh_tokens_an_expired_session_ends_and_sends_nothing_more() {
    let simulator = simulator(SimApiClient::new(CLIENT)).await; // `--user`'s settings: no refresh tokens
    let session = log_in(&client(&simulator), "jdoe", "Old-Passw0rd1").await;
    assert_eq!(me(&session).await.unwrap(), "jdoe");
    simulator.advance(Duration::from_secs(600 * 60 + 1));
    for _ in 0..5 {
        let error = me(&session).await.unwrap_err();
        assert_eq!(error.session_end(), Some(SessionEnd::NoRefreshToken), "{error}");
    }
    let log = simulator.requests();
    assert_eq!(log.token_requests(), 1, "the login only: no doomed token requests");
    assert_eq!(log.count_with_status("GET", "/v1/me", 401), 1, "one refused call, then nothing");
}

#[tokio::test]
async fn a_session_survives_a_restart_through_its_snapshot() {
    let simulator = simulator(refreshing()).await;
    let stored = Arc::new(Mutex::new(String::new()));
    let save = |stored: &Arc<Mutex<String>>, session: &Session| {
        *stored.lock().unwrap() = serde_json::to_string(&session.snapshot()).unwrap();
        let sink = stored.clone();
        session.on_event(move |event| match event {
            SessionEvent::Renewed(snapshot) => *sink.lock().unwrap() = serde_json::to_string(&snapshot).unwrap(),
            SessionEvent::Ended(_) => sink.lock().unwrap().clear(),
            _ => {}
        });
    };
    {
        let session = log_in(&client(&simulator), "jdoe", "Old-Passw0rd1").await;
        save(&stored, &session);
        assert_eq!(me(&session).await.unwrap(), "jdoe");
    } // the process "restarts": the session and its client are gone
    let first: SessionSnapshot = serde_json::from_str(&stored.lock().unwrap()).unwrap();
    assert_eq!(first.claims().and_then(|claims| claims.usr.as_deref()), Some("jdoe"));
    let session = Session::restore(client(&simulator), first.clone());
    save(&stored, &session);
    assert_eq!(me(&session).await.unwrap(), "jdoe");
    assert_eq!(simulator.requests().token_requests(), 1, "restored without a token request");

    simulator.advance(LIFETIME + Duration::from_secs(1));
    assert_eq!(me(&session).await.unwrap(), "jdoe");
    let renewed: SessionSnapshot = serde_json::from_str(&stored.lock().unwrap()).unwrap();
    assert_ne!(renewed.refresh_token(), first.refresh_token(), "the hook saved the rotated refresh token");

    // The stale snapshot's refresh token was spent: restoring it ends at its first renewal.
    let stale = Session::restore(client(&simulator), first);
    assert_eq!(me(&stale).await.unwrap_err().session_end(), Some(SessionEnd::RefreshRefused));
    // The saved one resumes.
    let resumed = Session::restore(client(&simulator), renewed);
    assert_eq!(me(&resumed).await.unwrap(), "jdoe");
    session.log_out();
    assert!(stored.lock().unwrap().is_empty(), "the hook deleted the ended session");
}

/// 1,000 shoppers log in, their tokens expire on the simulator's clock, then each makes 5
/// calls, all at once, at most 64 in flight: one refresh per shopper, counted by the
/// simulator, however the calls of one shopper race.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_shoppers_make_one_login_and_one_refresh_each() {
    const SHOPPERS: usize = 1000;
    const CALLS: usize = 5;
    let mut builder = Simulator::builder().api_client(refreshing());
    for shopper in 0..SHOPPERS {
        let name = format!("shopper-{shopper}");
        builder = builder.user(SimUser::new(CLIENT, &name, &format!("{name}@example.com"), "Shopper-Passw0rd1"));
    }
    let simulator = builder.start().await.unwrap();
    let client = ApiClient::builder().base_url(simulator.base_url()).max_in_flight(64).build().unwrap();

    let logins: Vec<_> = (0..SHOPPERS)
        .map(|shopper| {
            let client = client.clone();
            tokio::spawn(async move { log_in(&client, &format!("shopper-{shopper}"), "Shopper-Passw0rd1").await })
        })
        .collect();
    let mut sessions = Vec::with_capacity(SHOPPERS);
    for login in logins {
        sessions.push(login.await.unwrap());
    }
    simulator.advance(LIFETIME + Duration::from_secs(1));

    let calls: Vec<_> = sessions
        .iter()
        .enumerate()
        .flat_map(|(shopper, session)| (0..CALLS).map(move |_| (shopper, session.clone())))
        .map(|(shopper, session)| tokio::spawn(async move { (shopper, me(&session).await) }))
        .collect();
    for call in calls {
        let (shopper, outcome) = call.await.unwrap();
        assert_eq!(outcome.unwrap(), format!("shopper-{shopper}"));
    }
    let log = simulator.requests();
    println!("{:#}", log.to_json());
    assert_eq!(log.token_requests_with_grant("password"), SHOPPERS as u64);
    assert_eq!(log.token_requests_with_grant("refresh_token"), SHOPPERS as u64, "one refresh per shopper");
    assert_eq!(log.count_with_status("POST", "/oauth/token", 200), 2 * SHOPPERS as u64);
    assert_eq!(log.count_with_status("GET", "/v1/me", 200), (SHOPPERS * CALLS) as u64);
    let refused = log.count_with_status("GET", "/v1/me", 401);
    assert!((SHOPPERS as u64..=(SHOPPERS * CALLS) as u64).contains(&refused), "{refused} calls refused");
}
