//! `/health` and `/metrics` over plain HTTP/1.1 (one request per connection).

use std::sync::atomic::Ordering;
use std::sync::Arc;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tradestream_runtime::Metrics;

/// Serves until the task is dropped.
pub async fn serve(listener: TcpListener, metrics: Arc<Metrics>) {
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        tokio::spawn(answer(stream, metrics.clone()));
    }
}

async fn answer(mut stream: TcpStream, metrics: Arc<Metrics>) {
    let mut buf = vec![0u8; 8192];
    let mut n = 0;
    let head_end = loop {
        if n == buf.len() {
            return respond(
                &mut stream,
                "431 Request Header Fields Too Large",
                "text/plain",
                "request head too large\n",
            )
            .await;
        }
        match stream.read(&mut buf[n..]).await {
            Ok(0) | Err(_) => return,
            Ok(k) => n += k,
        }
        if let Some(i) = buf[..n].windows(4).position(|w| w == b"\r\n\r\n") {
            break i;
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]);
    let mut parts = head.lines().next().unwrap_or("").split_whitespace();
    let (method, path) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    if method != "GET" {
        return respond(
            &mut stream,
            "405 Method Not Allowed",
            "text/plain",
            "only GET\n",
        )
        .await;
    }
    match path.split('?').next().unwrap_or("") {
        "/health" => {
            let halted = metrics.halted.load(Ordering::Relaxed);
            let body = format!(
                "{{\"status\":\"{}\",\"last_seq\":{},\"durable_seq\":{}}}\n",
                if halted { "halted" } else { "ok" },
                metrics.last_seq.load(Ordering::Relaxed),
                metrics.durable_seq.load(Ordering::Relaxed)
            );
            let status = if halted {
                "503 Service Unavailable"
            } else {
                "200 OK"
            };
            respond(&mut stream, status, "application/json", &body).await
        }
        "/metrics" => {
            let mut body = String::with_capacity(8192);
            metrics.render(&mut body);
            respond(&mut stream, "200 OK", "text/plain; version=0.0.4", &body).await
        }
        _ => {
            respond(
                &mut stream,
                "404 Not Found",
                "text/plain",
                "try /health or /metrics\n",
            )
            .await
        }
    }
}

async fn respond(stream: &mut TcpStream, status: &str, content_type: &str, body: &str) {
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(head.as_bytes()).await;
    let _ = stream.write_all(body.as_bytes()).await;
    let _ = stream.shutdown().await;
}
