//! Seed files: the users, API clients and message senders a simulator starts with, as JSON.

use std::time::Duration;

use ordercloud_models::MessageType;
use serde::Deserialize;

use crate::{SimApiClient, SimMessageSender, SimUser};

/// A seed file: `{"Users": [...], "ApiClients": [...], "MessageSenders": [...],
/// "Resources": {"/path": [...]}}`, each part optional. Unknown fields are refused, so a
/// misspelt one is found at once.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SeedFile {
    #[serde(rename = "Users", default)]
    pub(crate) users: Vec<SeedUser>,
    #[serde(rename = "ApiClients", default)]
    api_clients: Vec<SeedClient>,
    #[serde(rename = "MessageSenders", default)]
    message_senders: Vec<SeedSender>,
    /// Objects of the API's resources, by the path that creates them.
    #[serde(rename = "Resources", default)]
    resources: Option<serde_json::Value>,
}

/// `{"ClientID", "Username", "Email", "Password", "FirstName"?, "ID"?}`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SeedUser {
    #[serde(rename = "ClientID")]
    client_id: String,
    #[serde(rename = "Username")]
    username: String,
    #[serde(rename = "Email")]
    email: String,
    #[serde(rename = "Password")]
    password: String,
    #[serde(rename = "FirstName", default)]
    first_name: Option<String>,
    #[serde(rename = "ID", default)]
    id: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SeedClient {
    #[serde(rename = "ClientID")]
    client_id: String,
    #[serde(rename = "ClientSecret", default)]
    client_secret: Option<String>,
    #[serde(rename = "Roles", default)]
    roles: Option<Vec<String>>,
    #[serde(rename = "RefreshTokens", default)]
    refresh_tokens: Option<bool>,
    #[serde(rename = "AnonymousShopping", default)]
    anonymous_shopping: Option<bool>,
    #[serde(rename = "TokenLifetimeSeconds", default)]
    token_lifetime_seconds: Option<u64>,
    #[serde(rename = "BuyerID", default)]
    buyer_id: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SeedSender {
    #[serde(rename = "URL")]
    url: String,
    #[serde(rename = "SharedKey")]
    shared_key: String,
    #[serde(rename = "MessageTypes", default)]
    message_types: Option<Vec<String>>,
    #[serde(rename = "TimeoutSeconds", default)]
    timeout_seconds: Option<u64>,
}

impl SeedFile {
    /// Reads a seed file's text; the error says where and what is wrong.
    pub(crate) fn parse(text: &str) -> Result<Self, String> {
        let seed: Self = serde_json::from_str(text).map_err(|error| format!("the seed is not valid: {error}"))?;
        if let Some(user) = seed.users.iter().find(|user| user.validate().is_err()) {
            return Err(user.validate().unwrap_err());
        }
        if let Some(resources) = &seed.resources {
            resource_list(resources)?;
        }
        Ok(seed)
    }

    /// The resources to create, in order.
    pub(crate) fn resources(&self) -> Vec<(String, serde_json::Value)> {
        self.resources.as_ref().and_then(|resources| resource_list(resources).ok()).unwrap_or_default()
    }

    pub(crate) fn api_clients(&self) -> impl Iterator<Item = SimApiClient> + '_ {
        self.api_clients.iter().map(|seed| {
            let mut client = SimApiClient::new(&seed.client_id);
            client.client_secret = seed.client_secret.clone().filter(|secret| !secret.is_empty());
            if let Some(roles) = &seed.roles {
                client.roles = roles.clone();
            }
            client.refresh_tokens = seed.refresh_tokens.unwrap_or(false);
            client.anonymous_shopping = seed.anonymous_shopping.unwrap_or(true);
            if let Some(seconds) = seed.token_lifetime_seconds {
                client.token_lifetime = Duration::from_secs(seconds.max(1));
            }
            client.buyer_id = seed.buyer_id.clone().filter(|buyer| !buyer.is_empty());
            client
        })
    }

    pub(crate) fn message_senders(&self) -> impl Iterator<Item = SimMessageSender> + '_ {
        self.message_senders.iter().map(|seed| {
            let mut sender = SimMessageSender::new(&seed.url, &seed.shared_key);
            if let Some(types) = &seed.message_types {
                sender.message_types = types.iter().map(|kind| MessageType::from(kind.as_str())).collect();
            }
            if let Some(seconds) = seed.timeout_seconds {
                sender.timeout = Duration::from_secs(seconds.max(1));
            }
            sender
        })
    }
}

impl SeedUser {
    /// Reads one user, as `POST /_simulator/users` takes it.
    pub(crate) fn parse(body: &[u8]) -> Result<Self, String> {
        let user: Self = serde_json::from_slice(body).map_err(|error| format!("the user is not valid: {error}"))?;
        user.validate()?;
        Ok(user)
    }

    fn validate(&self) -> Result<(), String> {
        for (name, value) in [("ClientID", &self.client_id), ("Username", &self.username), ("Password", &self.password)]
        {
            if value.trim().is_empty() {
                return Err(format!("a user's {name} is empty"));
            }
        }
        Ok(())
    }

    pub(crate) fn to_user(&self) -> SimUser {
        let mut user = SimUser::new(&self.client_id, &self.username, &self.email, &self.password);
        user.first_name = self.first_name.clone();
        if let Some(id) = &self.id {
            user.id = id.clone();
        }
        user
    }
}

/// `{"/path": [object, ...], ...}` as `(path, object)` pairs in the order of their paths'
/// text, so a parent (`/buyers`) comes before what is under it (`/buyers/b1/users`); the error
/// says what is wrong.
pub(crate) fn resource_list(value: &serde_json::Value) -> Result<Vec<(String, serde_json::Value)>, String> {
    let Some(paths) = value.as_object() else {
        return Err("resources are {\"/path\": [objects...], ...}".to_owned());
    };
    let mut list = Vec::new();
    let mut sorted: Vec<(&String, &serde_json::Value)> = paths.iter().collect();
    sorted.sort_by(|a, b| a.0.cmp(b.0));
    for (path, objects) in sorted {
        if !path.starts_with('/') {
            return Err(format!("the resource path {path:?} must start with '/' (it is the path after /v1)"));
        }
        let objects = objects.as_array().ok_or_else(|| format!("the resources at {path} must be a list of objects"))?;
        for object in objects {
            if !object.is_object() {
                return Err(format!("a resource at {path} is not an object"));
            }
            list.push((path.clone(), object.clone()));
        }
    }
    Ok(list)
}
