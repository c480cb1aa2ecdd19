#include "TlsOrigin.h"

#include "TlsOriginServer.h"

#include <QFile>
#include <QHostAddress>
#include <QProcess>
#include <QSslSocket>

TlsOrigin::TlsOrigin()
{
    m_thread.setObjectName(QStringLiteral("TlsOrigin"));
}

TlsOrigin::~TlsOrigin()
{
    stop();
}

QByteArray TlsOrigin::body()
{
    return QByteArrayLiteral("hello from the TLS origin\n");
}

QString TlsOrigin::certificatePath() const
{
    return m_dir.filePath(QStringLiteral("cert.pem"));
}

int TlsOrigin::handshakes() const
{
    return m_server ? m_server->handshakes() : 0;
}

int TlsOrigin::requests() const
{
    return m_server ? m_server->requests() : 0;
}

bool TlsOrigin::start()
{
    if (m_server)
        return true;
    if (!QSslSocket::supportsSsl()) {
        m_error = QStringLiteral("Qt has no TLS backend");
        return false;
    }
    if (!m_dir.isValid()) {
        m_error = QStringLiteral("no temporary directory");
        return false;
    }
    const QString keyPath = m_dir.filePath(QStringLiteral("key.pem"));
    QProcess openssl;
    openssl.start(QStringLiteral("openssl"),
                  {QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"),
                   QStringLiteral("rsa:2048"), QStringLiteral("-nodes"), QStringLiteral("-keyout"),
                   keyPath, QStringLiteral("-out"), certificatePath(), QStringLiteral("-subj"),
                   QStringLiteral("/CN=localhost"), QStringLiteral("-addext"),
                   QStringLiteral("subjectAltName=DNS:localhost,IP:127.0.0.1"),
                   QStringLiteral("-days"), QStringLiteral("2")});
    if (!openssl.waitForFinished(30'000) || openssl.exitStatus() != QProcess::NormalExit ||
        openssl.exitCode() != 0) {
        openssl.kill();
        m_error =
            QStringLiteral("openssl failed: %1 %2")
                .arg(openssl.errorString(), QString::fromLocal8Bit(openssl.readAllStandardError()));
        return false;
    }
    QFile keyFile(keyPath);
    QFile certFile(certificatePath());
    if (!keyFile.open(QIODevice::ReadOnly) || !certFile.open(QIODevice::ReadOnly)) {
        m_error = QStringLiteral("cannot read the generated key or certificate");
        return false;
    }
    const QSslKey key(&keyFile, QSsl::Rsa, QSsl::Pem);
    const QList<QSslCertificate> certs = QSslCertificate::fromDevice(&certFile, QSsl::Pem);
    if (key.isNull() || certs.isEmpty()) {
        m_error = QStringLiteral("cannot load the generated key or certificate");
        return false;
    }

    m_server = new TlsOriginServer(certs.first(), key);
    m_server->moveToThread(&m_thread);
    QObject::connect(&m_thread, &QThread::finished, m_server, &QObject::deleteLater);
    m_thread.start();
    bool ok = false;
    QMetaObject::invokeMethod(
        m_server,
        [this, &ok] {
            ok = m_server->listen(QHostAddress(QHostAddress::LocalHost), 0);
            m_port = m_server->serverPort();
            if (!ok)
                m_error = m_server->errorString();
        },
        Qt::BlockingQueuedConnection);
    if (!ok)
        stop();
    return ok;
}

void TlsOrigin::stop()
{
    if (!m_server)
        return;
    m_thread.quit();
    m_thread.wait();
    m_server = nullptr;
    m_port = 0;
}
