//! A minimal HTTP/1.1 client for health checks of a server on this machine.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

/// The status code of `GET path` at `addr`, or `None` when nothing answers in time.
pub fn get_status(addr: SocketAddr, path: &str, timeout: Duration) -> Option<u16> {
    let mut stream = TcpStream::connect_timeout(&addr, timeout).ok()?;
    stream.set_read_timeout(Some(timeout)).ok()?;
    stream.set_write_timeout(Some(timeout)).ok()?;
    let request = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).ok()?;
    let mut head = [0_u8; 64];
    let mut len = 0;
    while len < head.len() {
        match stream.read(&mut head[len..]) {
            Ok(0) => break,
            Ok(n) => len += n,
            Err(_) => return None,
        }
        if head[..len].contains(&b'\n') {
            break;
        }
    }
    status_code(&String::from_utf8_lossy(&head[..len]))
}

/// The status code in an HTTP status line such as `HTTP/1.1 200 OK`.
fn status_code(status_line: &str) -> Option<u16> {
    let mut words = status_line.split_whitespace();
    words
        .next()
        .filter(|version| version.starts_with("HTTP/"))?;
    words.next()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_status_lines() {
        assert_eq!(
            status_code("HTTP/1.1 200 OK\r\ncontent-length: 0"),
            Some(200)
        );
        assert_eq!(
            status_code("HTTP/1.1 503 Service Unavailable\r\n"),
            Some(503)
        );
        assert_eq!(status_code("SSH-2.0-OpenSSH"), None);
        assert_eq!(status_code(""), None);
    }

    #[test]
    fn nothing_listening_is_none() {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .map(|addr| addr.port());
        // The listener is dropped: the port is closed again.
        if let Ok(port) = port {
            let addr = SocketAddr::from(([127, 0, 0, 1], port));
            assert_eq!(
                get_status(addr, "/healthz", Duration::from_millis(500)),
                None
            );
        }
    }
}
