#pragma once

#include "Stream.h"

#include <QSslSocket>

namespace Switchyard {

/// TLS over an already connected TCP socket, for HTTPS upstream proxies. Wraps
/// QSslSocket; its read buffer is bounded, so not reading still holds the peer
/// back. TLS here has no half-close: shutdownWrite() ends the session once the queue is out.
class TlsStream : public Stream
{
    Q_OBJECT
public:
    /// Takes the connected descriptor and starts the handshake; connected() says
    /// it is done. peerName is checked against the certificate unless allowed.
    TlsStream(int descriptor, const QString& peerName, bool allowSelfSigned, qint64 bufferBytes,
              QObject* parent = nullptr);
    ~TlsStream() override;

    qint64 read(char* data, qint64 maxSize) override;
    bool write(QByteArrayView data) override;
    qint64 pendingBytes() const override;
    void setReadEnabled(bool enabled) override;
    void shutdownWrite() override;
    void close() override;
    bool isConnected() const override { return m_encrypted && m_error == 0; }
    bool atEnd() const override;
    int errorCode() const override { return m_error; }
    QString errorString() const override { return m_errorString; }

private:
    void onEncrypted();
    void onSslErrors(const QList<QSslError>& errors);
    void onSocketError(QAbstractSocket::SocketError error);
    void onReadyRead();
    void onBytesWritten();
    void onDisconnected();
    void fail(const QString& reason);

    QSslSocket* m_socket;
    bool m_allowSelfSigned;
    bool m_encrypted = false;
    bool m_readEnabled = true;
    bool m_writeShut = false;
    bool m_wasFull = false;
    int m_error = 0;
    QString m_errorString;
};

} // namespace Switchyard
