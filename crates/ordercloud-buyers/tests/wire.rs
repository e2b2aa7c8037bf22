//! Generated assignment calls on the wire: an assignment list's own parameters (booleans
//! and enums among them), and a required query parameter.

use ordercloud_buyers::models::{PartyType, UserOrderMoveOption};
use ordercloud_buyers::{AddressesApi, ApiClient, UsersApi};
use ordercloud_transport::MockTransport;

fn client(mock: &MockTransport) -> ApiClient {
    ApiClient::builder().transport(mock.clone()).access_token("t").build().unwrap()
}

#[tokio::test]
async fn an_assignment_list_sends_its_own_parameters_false_included() {
    let mock = MockTransport::new();
    mock.push_status(200, r#"{"Meta":{"Page":1,"TotalPages":1},"Items":[{"AddressID":"home","UserGroupID":"g1","IsShipping":false,"IsBilling":true}]}"#);
    let page = AddressesApi::new(client(&mock))
        .list_assignments("buyer 1")
        .address_id("home")
        .user_group_id("g1")
        .level(PartyType::Group)
        .is_shipping(false)
        .is_billing(true)
        .send()
        .await
        .unwrap();
    assert_eq!(page.items[0].is_shipping, Some(false));
    let request = &mock.requests()[0];
    assert_eq!(request.uri.path(), "/v1/buyers/buyer%201/addresses/assignments");
    assert_eq!(request.uri.query(), Some("addressID=home&userGroupID=g1&level=Group&isShipping=false&isBilling=true"));
}

#[tokio::test]
async fn a_required_query_parameter_is_an_argument() {
    let mock = MockTransport::new();
    mock.push_status(201, r#"{"ID":"jdoe"}"#);
    let moved = UsersApi::new(client(&mock)).r#move("b1", "jdoe", "b2", UserOrderMoveOption::Unsubmitted).send().await;
    assert_eq!(moved.unwrap().id.as_deref(), Some("jdoe"));
    let request = &mock.requests()[0];
    assert_eq!(request.uri.path(), "/v1/buyers/b1/users/jdoe/moveto/b2");
    assert_eq!(request.uri.query(), Some("orders=Unsubmitted"));
}
