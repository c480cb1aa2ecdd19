#include "EngineCore.h"

#include "ClientSession.h"
#include "EventLogger.h"
#include "Listener.h"
#include "LocalResponses.h"
#include "OriginPool.h"
#include "ProtocolSniffer.h"
#include "Resolver.h"
#include "TcpStream.h"

#include <QDateTime>
#include <cerrno>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

namespace Switchyard {

EngineCore::EngineCore(QObject* parent)
    : QObject(parent), m_resolver(new Resolver(this)), m_pool(new OriginPool(this)),
      m_logger(new EventLogger(this)), m_statsTimer(this)
{
    m_context.resolver = m_resolver;
    m_context.pool = m_pool;
    m_context.logger = m_logger;
    connect(m_logger, &EventLogger::batchReady, this, &EngineCore::eventsReady);
    m_statsTimer.setInterval(500);
    connect(&m_statsTimer, &QTimer::timeout, this, &EngineCore::publishStats);
}

EngineCore::~EngineCore()
{
    closeAll();
}

void EngineCore::applySettings(const EngineSettings& settings,
                               std::shared_ptr<const RuleEngine> rules)
{
    // New connections see the new rules; open ones keep the route they chose.
    m_context.settings = settings;
    m_context.rules = std::move(rules);
    m_resolver->setHostsOverride(settings.hostsOverride);
    m_logger->setFlushInterval(settings.logFlushIntervalMs);
    m_pool->setLimits(settings.limits.maxIdleOriginConnections,
                      settings.limits.originIdleTimeoutMs);
}

void EngineCore::start(const EngineSettings& settings, std::shared_ptr<const RuleEngine> rules)
{
    closeAll();
    applySettings(settings, std::move(rules));
    if (!settings.listenAddress.isLoopback() &&
        (!settings.inboundAuth.required || settings.inboundAuth.password.isEmpty())) {
        // An open proxy on a network is abused within hours; insist on a password.
        Q_EMIT failed(
            QStringLiteral("listening on %1 (not loopback) requires inbound authentication: set a "
                           "proxy username and password first")
                .arg(settings.listenAddress.toString()));
        return;
    }
    m_listener = new Listener(
        [this](int descriptor) { onIncoming(descriptor); },
        [this](int descriptor, int error) { onOutOfDescriptors(descriptor, error); }, this);
    if (!m_listener->listen(settings.listenAddress, settings.listenPort)) {
        const QString error = m_listener->errorString();
        delete m_listener;
        m_listener = nullptr;
        Q_EMIT failed(error);
        return;
    }
    m_context.boundAddress = m_listener->serverAddress();
    m_context.boundPort = m_listener->serverPort();
    m_statsTimer.start();
    Q_EMIT started(m_context.boundAddress, m_context.boundPort);
}

void EngineCore::stop()
{
    closeAll();
    Q_EMIT stopped();
}

void EngineCore::closeAll()
{
    m_statsTimer.stop();
    delete m_listener;
    m_listener = nullptr;
    const QSet<QObject*> connections = std::exchange(m_connections, {});
    for (QObject* connection : connections) {
        disconnect(connection, nullptr, this, nullptr);
        delete connection;
    }
    m_context.activeConnections = 0;
    m_pool->clear();
    m_logger->flush();
    publishStats();
}

void EngineCore::onIncoming(int descriptor)
{
    if (m_context.activeConnections >= m_context.settings.limits.maxClientConnections) {
        // Over the cap: a short answer, without disturbing existing clients.
        static const QByteArray busy = LocalResponses::error(
            503, "connection_limit_reached",
            QStringLiteral(
                "Switchyard is serving its maximum number of connections; try again later."),
            true);
        refuse(descriptor, busy,
               QStringLiteral("connection limit (%1) reached")
                   .arg(m_context.settings.limits.maxClientConnections));
        return;
    }
    auto* sniffer = new ProtocolSniffer(&m_context, new TcpStream(descriptor), this);
    m_connections.insert(sniffer);
    ++m_context.activeConnections;
    connect(sniffer, &ProtocolSniffer::identified, this, [this, sniffer](ClientSession* session) {
        m_connections.remove(sniffer);
        sniffer->deleteLater();
        session->setParent(this);
        m_connections.insert(session);
        connect(session, &ClientSession::closed, this,
                [this, session] { onConnectionClosed(session); });
        session->start();
    });
    connect(sniffer, &ProtocolSniffer::abandoned, this,
            [this, sniffer] { onConnectionClosed(sniffer); });
    sniffer->start();
}

void EngineCore::onOutOfDescriptors(int descriptor, int error)
{
    static const QByteArray noDescriptors = LocalResponses::error(
        503, "out_of_file_descriptors",
        QStringLiteral("Switchyard has run out of file descriptors for new connections; try again "
                       "later, or raise its open-files limit (ulimit -n)."),
        true);
    QString reason;
    if (error == ENFILE) {
        reason = QStringLiteral("the system is out of file descriptors");
    } else {
        rlimit limit{};
        ::getrlimit(RLIMIT_NOFILE, &limit);
        reason = QStringLiteral("out of file descriptors (open-files limit %1)")
                     .arg(qulonglong(limit.rlim_cur));
    }
    refuse(descriptor, noDescriptors, reason);
}

void EngineCore::refuse(int descriptor, const QByteArray& response, const QString& reason)
{
    // An HTTP answer even to a SOCKS client: the protocol is not known yet, and
    // a reading client (or a person with curl -v) sees why it was turned away.
    [[maybe_unused]] const ssize_t sent = ::send(
        descriptor, response.constData(), size_t(response.size()), MSG_NOSIGNAL | MSG_DONTWAIT);
    ::shutdown(descriptor, SHUT_WR);
    LogEvent event;
    event.id = m_logger->nextId();
    event.startedAtMs = QDateTime::currentMSecsSinceEpoch();
    event.clientAddress = TcpStream::peerStringOf(descriptor);
    event.status = 503;
    event.durationUs = 0;
    event.route = QStringLiteral("refused");
    event.error = reason;
    m_logger->finished(std::move(event));
    ::close(descriptor);
}

void EngineCore::onConnectionClosed(QObject* connection)
{
    if (!m_connections.remove(connection))
        return;
    --m_context.activeConnections;
    disconnect(connection, nullptr, this, nullptr);
    connection->deleteLater();
}

void EngineCore::publishStats()
{
    EngineStats stats;
    stats.activeConnections = m_context.activeConnections;
    stats.totalBytesUp = m_context.totalBytesUp;
    stats.totalBytesDown = m_context.totalBytesDown;
    stats.totalRequests = m_context.totalRequests;
    stats.systemDnsLookups = m_resolver->systemLookups();
    Q_EMIT statsUpdated(stats);
}

} // namespace Switchyard
