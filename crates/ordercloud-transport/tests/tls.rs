//! HyperTransport over real TLS on loopback: a server signed by a test CA the client is told
//! to trust answers; one signed by a CA it does not know is refused at the handshake.

use std::convert::Infallible;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use bytes::Bytes;
use http::Method;
use http_body_util::Full;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use ordercloud_transport::{ApiClient, Error, HyperTransport, TransportErrorKind};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio::net::TcpListener;

const TRUSTED_CA: &[u8] = include_bytes!("certs/trusted-ca.pem");

/// rustls' ring provider, whose constructor rustls 0.23.48 deprecates without a successor
/// in 0.23.
#[allow(deprecated)]
fn ring_provider() -> rustls::crypto::CryptoProvider {
    rustls::crypto::ring::default_provider()
}

/// Serves HTTPS on 127.0.0.1 with the named certificate; answers 204 and counts requests.
async fn tls_server(name: &str) -> (u16, Arc<AtomicUsize>) {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/certs");
    let chain: Vec<CertificateDer<'static>> =
        CertificateDer::pem_file_iter(format!("{dir}/{name}-server.pem")).unwrap().collect::<Result<_, _>>().unwrap();
    let key = PrivateKeyDer::from_pem_file(format!("{dir}/{name}-server.key")).unwrap();
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(ring_provider()))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let served = Arc::new(AtomicUsize::new(0));
    let counter = served.clone();
    tokio::spawn(async move {
        loop {
            let Ok((tcp, _)) = listener.accept().await else { return };
            let acceptor = acceptor.clone();
            let counter = counter.clone();
            tokio::spawn(async move {
                let Ok(tls) = acceptor.accept(tcp).await else { return };
                let service = service_fn(move |_request| {
                    counter.fetch_add(1, Ordering::SeqCst);
                    async {
                        Ok::<_, Infallible>(
                            http::Response::builder().status(204).body(Full::new(Bytes::new())).unwrap(),
                        )
                    }
                });
                let _ = hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(tls), service).await;
            });
        }
    });
    (port, served)
}

fn client(port: u16, transport: HyperTransport) -> ApiClient {
    ApiClient::builder().base_url(format!("https://localhost:{port}")).transport(transport).build().unwrap()
}

#[tokio::test]
async fn a_server_signed_by_an_added_root_is_trusted() {
    let (port, served) = tls_server("trusted").await;
    let transport = HyperTransport::builder().add_root_certificates_pem(TRUSTED_CA).build().unwrap();
    let client = client(port, transport);
    // Twice: the second call reuses the pooled TLS connection.
    for _ in 0..2 {
        client
            .request(Method::POST, "/password/reset")
            .json(&serde_json::json!({"ClientID": "c"}))
            .send_empty()
            .await
            .unwrap();
    }
    assert_eq!(served.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn an_untrusted_certificate_is_refused_and_not_retried() {
    let (port, served) = tls_server("untrusted").await;
    let transport = HyperTransport::builder().add_root_certificates_pem(TRUSTED_CA).build().unwrap();
    let error = client(port, transport).request(Method::POST, "/password/reset").send_empty().await.unwrap_err();
    assert!(matches!(&error, Error::Transport(e) if e.kind() == TransportErrorKind::Tls), "{error:?}");
    assert!(!error.is_retryable());
    assert!(error.to_string().contains("TLS"), "{error}");
    assert_eq!(served.load(Ordering::SeqCst), 0, "nothing reached the server");
}

#[tokio::test]
async fn bad_root_certificates_are_refused_at_build() {
    for pem in [&b"not a certificate"[..], b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"] {
        let error = HyperTransport::builder().add_root_certificates_pem(pem).build().unwrap_err();
        assert!(error.is_config(), "{error}");
    }
    let error = HyperTransport::builder().webpki_roots(false).native_roots(false).build().unwrap_err();
    assert!(error.to_string().contains("no trusted root"), "{error}");
}
