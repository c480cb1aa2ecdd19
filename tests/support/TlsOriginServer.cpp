#include "TlsOriginServer.h"

#include "TlsOrigin.h"

#include <QSslSocket>
#include <memory>

TlsOriginServer::TlsOriginServer(const QSslCertificate& certificate, const QSslKey& key)
    : m_certificate(certificate), m_key(key)
{}

void TlsOriginServer::incomingConnection(qintptr descriptor)
{
    auto* socket = new QSslSocket(this);
    if (!socket->setSocketDescriptor(descriptor)) {
        delete socket;
        return;
    }
    socket->setLocalCertificate(m_certificate);
    socket->setPrivateKey(m_key);
    auto received = std::make_shared<QByteArray>();
    connect(socket, &QSslSocket::encrypted, this, [this] { ++m_handshakes; });
    connect(socket, &QSslSocket::readyRead, socket, [this, socket, received] {
        received->append(socket->readAll());
        if (!received->contains("\r\n\r\n") || socket->property("answered").toBool())
            return;
        socket->setProperty("answered", true);
        ++m_requests;
        const QByteArray body = TlsOrigin::body();
        socket->write("HTTP/1.1 200 OK\r\nServer: TlsOrigin\r\nContent-Type: text/plain\r\n"
                      "Content-Length: " +
                      QByteArray::number(body.size()) + "\r\nConnection: close\r\n\r\n" + body);
        socket->disconnectFromHost();
    });
    connect(socket, &QSslSocket::disconnected, socket, &QObject::deleteLater);
    connect(socket, &QSslSocket::errorOccurred, socket, &QObject::deleteLater);
    socket->startServerEncryption();
}
