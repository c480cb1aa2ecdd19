#pragma once

#include <QString>
#include <QTemporaryDir>
#include <QThread>

class TlsOriginServer;

/// A TLS origin on 127.0.0.1 with a free port, in its own thread. start() makes a
/// fresh RSA key and self-signed certificate (CN=localhost, SAN localhost and
/// 127.0.0.1) with the openssl tool; certificatePath() is for curl --cacert.
/// Every request gets 200 with body().
class TlsOrigin
{
public:
    TlsOrigin();
    ~TlsOrigin();
    TlsOrigin(const TlsOrigin&) = delete;
    TlsOrigin& operator=(const TlsOrigin&) = delete;

    bool start();
    void stop();
    QString errorString() const { return m_error; }

    quint16 port() const { return m_port; }
    QString certificatePath() const;
    int handshakes() const;
    int requests() const;

    static QByteArray body();

private:
    QTemporaryDir m_dir;
    QThread m_thread;
    TlsOriginServer* m_server = nullptr; // lives in m_thread
    quint16 m_port = 0;
    QString m_error;
};
