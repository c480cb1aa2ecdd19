#pragma once

#include <QSslCertificate>
#include <QSslKey>
#include <QTcpServer>
#include <atomic>

/// TlsOrigin's listening socket; lives in the TLS origin thread. Every accepted
/// connection does a server-side TLS handshake, reads one request head and answers
/// 200 with TlsOrigin::body(), then closes.
class TlsOriginServer : public QTcpServer
{
    Q_OBJECT
public:
    TlsOriginServer(const QSslCertificate& certificate, const QSslKey& key);

    int handshakes() const { return m_handshakes.load(); }
    int requests() const { return m_requests.load(); }

protected:
    void incomingConnection(qintptr descriptor) override;

private:
    QSslCertificate m_certificate;
    QSslKey m_key;
    std::atomic<int> m_handshakes{0};
    std::atomic<int> m_requests{0};
};
