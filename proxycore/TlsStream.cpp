#include "TlsStream.h"

#include <QNetworkProxy>
#include <QSslConfiguration>

namespace Switchyard {

TlsStream::TlsStream(int descriptor, const QString& peerName, bool allowSelfSigned,
                     qint64 bufferBytes, QObject* parent)
    : Stream(parent), m_socket(new QSslSocket(this)), m_allowSelfSigned(allowSelfSigned)
{
    m_socket->setProxy(QNetworkProxy::NoProxy);
    m_socket->setReadBufferSize(bufferBytes);
    connect(m_socket, &QSslSocket::encrypted, this, &TlsStream::onEncrypted);
    connect(m_socket, &QSslSocket::sslErrors, this, &TlsStream::onSslErrors);
    connect(m_socket, &QSslSocket::errorOccurred, this, &TlsStream::onSocketError);
    connect(m_socket, &QSslSocket::readyRead, this, &TlsStream::onReadyRead);
    connect(m_socket, &QSslSocket::encryptedBytesWritten, this, &TlsStream::onBytesWritten);
    connect(m_socket, &QSslSocket::disconnected, this, &TlsStream::onDisconnected);
    if (!m_socket->setSocketDescriptor(descriptor)) {
        fail(m_socket->errorString());
        return;
    }
    m_socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    if (allowSelfSigned)
        m_socket->setPeerVerifyMode(QSslSocket::VerifyNone);
    m_socket->setPeerVerifyName(peerName);
    m_socket->startClientEncryption();
}

TlsStream::~TlsStream() = default;

void TlsStream::onEncrypted()
{
    m_encrypted = true;
    Q_EMIT connected();
}

void TlsStream::onSslErrors(const QList<QSslError>& errors)
{
    if (m_allowSelfSigned) {
        m_socket->ignoreSslErrors(errors);
        return;
    }
    QStringList reasons;
    for (const QSslError& error : errors)
        reasons.append(error.errorString());
    fail(QStringLiteral("TLS certificate rejected: %1").arg(reasons.join(QStringLiteral("; "))));
}

void TlsStream::onSocketError(QAbstractSocket::SocketError error)
{
    if (error == QAbstractSocket::RemoteHostClosedError && m_encrypted)
        return; // a normal end of stream: read() reports it
    fail(m_encrypted ? m_socket->errorString()
                     : QStringLiteral("TLS handshake failed: %1").arg(m_socket->errorString()));
}

void TlsStream::onReadyRead()
{
    if (m_readEnabled)
        Q_EMIT readyRead();
}

void TlsStream::onBytesWritten()
{
    if (m_writeShut && pendingBytes() == 0)
        m_socket->disconnectFromHost();
    if (m_wasFull && pendingBytes() == 0) {
        m_wasFull = false;
        Q_EMIT drained();
    }
}

void TlsStream::onDisconnected()
{
    if (m_readEnabled)
        Q_EMIT readyRead(); // lets the owner read the rest and then the end
}

void TlsStream::fail(const QString& reason)
{
    if (m_error != 0)
        return;
    m_error = -1;
    m_errorString = reason;
    QMetaObject::invokeMethod(
        this, [this] { Q_EMIT failed(m_error); }, Qt::QueuedConnection);
}

qint64 TlsStream::read(char* data, qint64 maxSize)
{
    if (m_error != 0)
        return -1;
    const qint64 n = m_socket->read(data, maxSize);
    if (n > 0)
        return n;
    return atEnd() ? -1 : 0;
}

bool TlsStream::atEnd() const
{
    return m_socket->state() == QAbstractSocket::UnconnectedState &&
           m_socket->bytesAvailable() == 0;
}

bool TlsStream::write(QByteArrayView data)
{
    if (m_error != 0 || m_writeShut || m_socket->state() != QAbstractSocket::ConnectedState)
        return false;
    m_socket->write(data.data(), data.size());
    m_wasFull = true;
    return true;
}

qint64 TlsStream::pendingBytes() const
{
    // Once the connection is gone nothing more can leave: what is left is
    // lost, not pending. A tunnel whose exit closed just after the client's
    // last bytes arrived waited for them forever.
    if (m_socket->state() == QAbstractSocket::UnconnectedState)
        return 0;
    return m_socket->bytesToWrite() + m_socket->encryptedBytesToWrite();
}

void TlsStream::setReadEnabled(bool enabled)
{
    const bool resumed = enabled && !m_readEnabled;
    m_readEnabled = enabled;
    if (resumed && (m_socket->bytesAvailable() > 0 || atEnd()))
        QMetaObject::invokeMethod(this, &TlsStream::onReadyRead, Qt::QueuedConnection);
}

void TlsStream::shutdownWrite()
{
    // TLS here has no half-close: once our side has nothing more to say, end the
    // session (close_notify), or an exit keeping the connection alive would hold
    // the tunnel open forever.
    m_writeShut = true;
    if (pendingBytes() == 0)
        m_socket->disconnectFromHost();
}

void TlsStream::close()
{
    m_socket->abort();
}

} // namespace Switchyard
