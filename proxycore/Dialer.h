#pragma once

#include "OutboundFailure.h"

#include <QElapsedTimer>
#include <QHostAddress>
#include <QObject>
#include <QTimer>

namespace Switchyard {

struct EngineContext;
class Resolver;
class Stream;
class TcpStream;

/// Opens one outbound TCP connection: resolves the name, tries each address in
/// turn, and gives up after the connect timeout (which covers the lookup too).
class Dialer : public QObject
{
    Q_OBJECT
public:
    Dialer(Resolver* resolver, const QString& host, quint16 port, int timeoutMs,
           QObject* parent = nullptr);
    ~Dialer() override;

    /// Refuse addresses on this machine (loopback, link-local) once resolved.
    void setRefuseLocalAddresses(bool refuse) { m_refuseLocal = refuse; }
    /// Refuse addresses that reach this engine's own listening socket (a loop).
    void setRefuseOwnSocket(const EngineContext* context) { m_self = context; }
    void start();
    QString host() const { return m_host; }
    quint16 port() const { return m_port; }

Q_SIGNALS:
    /// The caller owns stream (it has no parent). Elapsed from start() in µs.
    void succeeded(Switchyard::Stream* stream, qint64 elapsedUs);
    void failed(const Switchyard::OutboundFailure& failure);

private:
    void onResolved(const QList<QHostAddress>& addresses, const QString& error);
    void tryNext();
    void onConnected();
    void onStreamFailed(int errorCode);
    void onTimeout();
    void finishWithError(OutboundFailure::Kind kind, const QString& message);

    Resolver* m_resolver;
    QString m_host;
    quint16 m_port;
    QList<QHostAddress> m_addresses;
    qsizetype m_next = 0;
    TcpStream* m_stream = nullptr;
    int m_lastErrno = 0;
    QTimer m_timer;
    QElapsedTimer m_elapsed;
    bool m_done = false;
    bool m_refuseLocal = false;
    const EngineContext* m_self = nullptr;
};

} // namespace Switchyard
