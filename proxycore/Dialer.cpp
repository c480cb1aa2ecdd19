#include "Dialer.h"

#include "EngineContext.h"
#include "Resolver.h"
#include "TcpStream.h"

#include <cerrno>
#include <cstring>

namespace Switchyard {

Dialer::Dialer(Resolver* resolver, const QString& host, quint16 port, int timeoutMs,
               QObject* parent)
    : QObject(parent), m_resolver(resolver), m_host(host), m_port(port)
{
    m_timer.setSingleShot(true);
    m_timer.setInterval(timeoutMs);
    connect(&m_timer, &QTimer::timeout, this, &Dialer::onTimeout);
}

Dialer::~Dialer()
{
    delete m_stream;
}

void Dialer::start()
{
    m_elapsed.start();
    m_timer.start();
    m_resolver->lookup(m_host, this,
                       [this](const QList<QHostAddress>& addresses, const QString& error) {
                           onResolved(addresses, error);
                       });
}

void Dialer::onResolved(const QList<QHostAddress>& addresses, const QString& error)
{
    if (m_done)
        return;
    if (addresses.isEmpty()) {
        finishWithError(OutboundFailure::Kind::HostNotFound, error);
        return;
    }
    m_addresses = addresses;
    if (m_self) {
        for (const QHostAddress& address : addresses) {
            if (m_self->isOwnSocket(address, m_port)) {
                finishWithError(OutboundFailure::Kind::Blocked,
                                QStringLiteral("%1 resolves to %2, this proxy's own address and "
                                               "port: the connection would loop")
                                    .arg(m_host, address.toString()));
                return;
            }
        }
    }
    if (m_refuseLocal) {
        for (const QHostAddress& address : addresses) {
            if (EngineContext::isLocalAddress(address)) {
                finishWithError(
                    OutboundFailure::Kind::Blocked,
                    QStringLiteral("%1 resolves to %2, on this machine, which clients on other "
                                   "machines may not reach")
                        .arg(m_host, address.toString()));
                return;
            }
        }
    }
    tryNext();
}

void Dialer::tryNext()
{
    while (m_next < m_addresses.size()) {
        const QHostAddress address = m_addresses.at(m_next++);
        int error = 0;
        m_stream = TcpStream::connectTo(address, m_port, nullptr, &error);
        if (!m_stream) {
            m_lastErrno = error;
            continue;
        }
        connect(m_stream, &TcpStream::connected, this, &Dialer::onConnected);
        connect(m_stream, &TcpStream::failed, this, &Dialer::onStreamFailed);
        if (m_stream->isConnected())
            QMetaObject::invokeMethod(this, &Dialer::onConnected, Qt::QueuedConnection);
        return;
    }
    const QString where = QStringLiteral("%1:%2").arg(m_host).arg(m_port);
    switch (m_lastErrno) {
    case ECONNREFUSED:
        finishWithError(OutboundFailure::Kind::Refused,
                        QStringLiteral("could not connect to %1: connection refused").arg(where));
        return;
    case ENETUNREACH:
    case EHOSTUNREACH:
    case EADDRNOTAVAIL:
        finishWithError(OutboundFailure::Kind::Unreachable,
                        QStringLiteral("could not connect to %1: %2")
                            .arg(where, QString::fromLocal8Bit(std::strerror(m_lastErrno))));
        return;
    case ETIMEDOUT:
        finishWithError(OutboundFailure::Kind::TimedOut,
                        QStringLiteral("timed out connecting to %1").arg(where));
        return;
    default:
        finishWithError(OutboundFailure::Kind::Other,
                        QStringLiteral("could not connect to %1: %2")
                            .arg(where, QString::fromLocal8Bit(std::strerror(m_lastErrno))));
    }
}

void Dialer::onConnected()
{
    if (m_done || !m_stream)
        return;
    m_done = true;
    m_timer.stop();
    TcpStream* stream = m_stream;
    m_stream = nullptr;
    disconnect(stream, nullptr, this, nullptr);
    Q_EMIT succeeded(stream, m_elapsed.nsecsElapsed() / 1000);
}

void Dialer::onStreamFailed(int errorCode)
{
    if (m_done)
        return;
    m_lastErrno = errorCode;
    m_stream->deleteLater();
    m_stream = nullptr;
    tryNext();
}

void Dialer::onTimeout()
{
    if (m_done)
        return;
    finishWithError(OutboundFailure::Kind::TimedOut,
                    QStringLiteral("timed out connecting to %1:%2 after %3 s")
                        .arg(m_host)
                        .arg(m_port)
                        .arg(double(m_timer.interval()) / 1000.0));
}

void Dialer::finishWithError(OutboundFailure::Kind kind, const QString& message)
{
    m_done = true;
    m_timer.stop();
    delete m_stream;
    m_stream = nullptr;
    OutboundFailure failure;
    failure.kind = kind;
    failure.message = message;
    Q_EMIT failed(failure);
}

} // namespace Switchyard
