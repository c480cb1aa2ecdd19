// The "Exposure" rules of issue 8 with a client that is really not on loopback:
// the test builds a network namespace joined to its own by a veth pair, runs the
// engine on the host-side address and curl (or a raw SOCKS client) inside the
// namespace, so the engine sees a peer such as 10.213.N.2. Checked: the engine
// will not listen off loopback without inbound authentication; remote clients
// need credentials (HTTP 407, SOCKS5 0xFF / RFC 1929 failure), failed logins are
// throttled; tunnels only reach remoteTunnelPorts; loopback, link-local and the
// proxy's own port stay out of reach, and the targets see no connection.
//
// Needs root and iproute2 (`ip netns`); without them every case is skipped with
// the reason. The namespace and the veth pair are named after the process id and
// always removed, also those left behind by a test process that died.

#include "EngineFixture.h"
#include "LoginThrottle.h"
#include "LoopbackOrigin.h"

#include <QDir>
#include <QFile>
#include <QHostAddress>
#include <QProcess>
#include <QProcessEnvironment>
#include <QRegularExpression>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>
#include <atomic>
#include <fcntl.h>
#include <netinet/in.h>
#include <sched.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <thread>
#include <unistd.h>

using namespace Switchyard;
using namespace Qt::StringLiterals;

namespace {

const QString kUser = u"remote-user"_s;
const QString kPassword = u"Corr3ct-Horse"_s;
constexpr int kCurlMaxTimeSec = 8;

/// Runs a command to completion (bounded) and returns whether it exited with 0.
bool runCommand(const QString& program, const QStringList& args, QByteArray* output = nullptr,
                int timeoutMs = 10'000)
{
    QProcess process;
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.start(program, args);
    if (!process.waitForStarted(5000))
        return false;
    if (!process.waitForFinished(timeoutMs)) {
        process.kill();
        process.waitForFinished(3000);
        return false;
    }
    if (output)
        *output = process.readAll();
    return process.exitStatus() == QProcess::NormalExit && process.exitCode() == 0;
}

/// One curl run inside the namespace.
struct RemoteCurl
{
    bool finished = false;
    int exitCode = -1;
    int httpCode = 0;    ///< final response (0: none)
    int connectCode = 0; ///< the proxy's reply to CONNECT (0: none)
    QByteArray body;
    QByteArray stdErr;

    /// The reply code in curl's "Can't complete SOCKS5 connection to X. (N)", or -1.
    int socksReply() const
    {
        static const QRegularExpression pattern(
            u"Can't complete SOCKS5 connection to .*\\((\\d+)\\)"_s);
        const QRegularExpressionMatch match = pattern.match(QString::fromUtf8(stdErr));
        return match.hasMatch() ? match.captured(1).toInt() : -1;
    }
    QByteArray describe() const
    {
        return "curl exit " + QByteArray::number(exitCode) + " http " +
               QByteArray::number(httpCode) + " connect " + QByteArray::number(connectCode) + ": " +
               stdErr.trimmed();
    }
};

/// A minimal HTTP origin on a given address, in the test's thread (curl runs while
/// the event loop spins). Counts connections and keeps the request lines.
class AddressOrigin : public QObject
{
public:
    bool listen(const QHostAddress& address)
    {
        connect(&m_server, &QTcpServer::newConnection, this, &AddressOrigin::onNewConnection);
        return m_server.listen(address, 0);
    }
    quint16 port() const { return m_server.serverPort(); }
    int connectionCount() const { return m_connections; }
    QList<QByteArray> requestLines() const { return m_requestLines; }

private:
    void onNewConnection()
    {
        while (QTcpSocket* socket = m_server.nextPendingConnection()) {
            ++m_connections;
            connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
            connect(socket, &QTcpSocket::readyRead, socket, [this, socket] { onRead(socket); });
        }
    }
    void onRead(QTcpSocket* socket)
    {
        QByteArray& buffer = m_buffers[socket];
        buffer += socket->readAll();
        if (!buffer.contains("\r\n\r\n"))
            return;
        const QByteArray line = buffer.left(buffer.indexOf("\r\n"));
        m_requestLines.append(line);
        m_buffers.remove(socket);
        const QByteArray body = "address-origin " + line + '\n';
        socket->write("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " +
                      QByteArray::number(body.size()) + "\r\nConnection: close\r\n\r\n" + body);
        socket->disconnectFromHost();
    }

    QTcpServer m_server;
    QHash<QTcpSocket*, QByteArray> m_buffers;
    QList<QByteArray> m_requestLines;
    int m_connections = 0;
};

} // namespace

class TestRemoteClients : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void init();
    void cleanup();

    void refusesToListenOffLoopbackWithoutAuth_data();
    void refusesToListenOffLoopbackWithoutAuth();
    void httpNeedsCredentials_data();
    void httpNeedsCredentials();
    void socksNeedsCredentials();
    void failedLoginsAreThrottled();
    void tunnelsOnlyToAllowedPorts_data();
    void tunnelsOnlyToAllowedPorts();
    void plainHttpReachesAnyPort();
    void localDestinationsRefused_data();
    void localDestinationsRefused();
    void proxyItselfRefused_data();
    void proxyItselfRefused();

private:
    bool setUpNamespace(QString* why);
    void tearDownNamespace();
    static void removeStaleNamespaces();

    EngineSettings remoteSettings() const;
    bool startEngine(const EngineSettings& settings);
    /// curl inside the namespace; args after the fixed ones (-q -sS --max-time -w).
    RemoteCurl curlFromNamespace(const QStringList& args);
    /// "http://user:pass@HOST:PORT" of the engine as the remote client sees it.
    QString proxyUrl(const QString& scheme, const QString& user, const QString& password) const;
    /// Sends bytes to the engine from inside the namespace over a plain socket and
    /// returns everything read until the engine closes (or 5 s pass).
    QByteArray rawExchangeFromNamespace(const QByteArray& request);
    static QByteArray socksLogin(const QString& user, const QString& password);
    static QByteArray socksConnectIpv4(const QHostAddress& address, quint16 port);
    /// Log events whose client is the host side of the veth (the engine dialling itself).
    int eventsFromHostSide() const;

    QString m_ns;       // namespace name
    QString m_hostLink; // veth end in the test's namespace
    QString m_nsLink;   // veth end inside m_ns
    QHostAddress m_hostAddress;
    QHostAddress m_nsAddress;
    QString m_skipReason;
    bool m_namespaceUp = false;

    LoopbackOrigin m_loopbackOrigin;
    AddressOrigin m_vethOrigin;  // on m_hostAddress, its port in remoteTunnelPorts
    AddressOrigin m_otherOrigin; // on m_hostAddress, its port not in remoteTunnelPorts
    EngineFixture* m_engine = nullptr;
};

void TestRemoteClients::initTestCase()
{
    if (::geteuid() != 0) {
        m_skipReason = u"network namespaces need root (euid %1)"_s.arg(::geteuid());
        return;
    }
    if (!QFile::exists(u"/usr/bin/ip"_s) && !QFile::exists(u"/sbin/ip"_s)) {
        m_skipReason = u"iproute2 (`ip`) is not installed"_s;
        return;
    }
    if (!QFile::exists(u"/usr/bin/curl"_s)) {
        m_skipReason = u"curl is not installed"_s;
        return;
    }
    removeStaleNamespaces();
    QString why;
    if (!setUpNamespace(&why)) {
        tearDownNamespace();
        m_skipReason = u"cannot build a network namespace: %1"_s.arg(why);
        return;
    }
    QVERIFY(m_loopbackOrigin.start());
    QVERIFY(m_vethOrigin.listen(m_hostAddress));
    QVERIFY(m_otherOrigin.listen(m_hostAddress));
    // The link may need a moment after `up`: bounded wait for the namespace to
    // reach the veth origin directly.
    bool reachable = false;
    for (int attempt = 0; attempt < 20 && !reachable; ++attempt) {
        const RemoteCurl probe = curlFromNamespace(
            {u"--connect-timeout"_s, u"1"_s,
             u"http://%1:%2/probe"_s.arg(m_hostAddress.toString()).arg(m_vethOrigin.port())});
        reachable = probe.httpCode == 200;
        if (!reachable)
            QTest::qWait(200);
    }
    QVERIFY2(reachable, "the namespace cannot reach the host side of the veth pair");
}

void TestRemoteClients::cleanupTestCase()
{
    m_loopbackOrigin.stop();
    tearDownNamespace();
}

void TestRemoteClients::init()
{
    if (!m_skipReason.isEmpty())
        QSKIP(qPrintable(m_skipReason));
    m_engine = new EngineFixture(this);
}

void TestRemoteClients::cleanup()
{
    if (m_engine) {
        m_engine->stop();
        delete m_engine;
        m_engine = nullptr;
    }
}

void TestRemoteClients::removeStaleNamespaces()
{
    // A test process that crashed leaves sy-rc-<pid> behind; remove those whose
    // process is gone (deleting the namespace also deletes its veth end and so the pair).
    QByteArray list;
    if (!runCommand(u"ip"_s, {u"netns"_s, u"list"_s}, &list))
        return;
    static const QRegularExpression name(u"^sy-rc-(\\d+)\\b"_s,
                                         QRegularExpression::MultilineOption);
    QRegularExpressionMatchIterator it = name.globalMatch(QString::fromUtf8(list));
    while (it.hasNext()) {
        const QRegularExpressionMatch match = it.next();
        if (QDir(u"/proc/"_s + match.captured(1)).exists())
            continue;
        runCommand(u"ip"_s, {u"netns"_s, u"delete"_s, u"sy-rc-"_s + match.captured(1)});
        runCommand(u"ip"_s, {u"link"_s, u"delete"_s, u"syrh"_s + match.captured(1)});
    }
}

bool TestRemoteClients::setUpNamespace(QString* why)
{
    const qint64 pid = QCoreApplication::applicationPid();
    m_ns = u"sy-rc-%1"_s.arg(pid);
    m_hostLink = u"syrh%1"_s.arg(pid); // interface names stay under 16 bytes
    m_nsLink = u"syrn%1"_s.arg(pid);

    // A /30 in 10.213.0.0/16 that no interface here uses yet.
    QByteArray addresses;
    if (!runCommand(u"ip"_s, {u"-o"_s, u"-4"_s, u"addr"_s, u"show"_s}, &addresses)) {
        *why = u"`ip addr show` failed: "_s + QString::fromUtf8(addresses);
        return false;
    }
    int subnet = -1;
    for (int attempt = 0; attempt < 256 && subnet < 0; ++attempt) {
        const int third = int((pid + attempt) % 256); // 10.213.X.0/30
        if (!addresses.contains(QStringLiteral(" 10.213.%1.").arg(third).toLatin1()))
            subnet = third;
    }
    if (subnet < 0) {
        *why = u"no free 10.213.x.0/30 subnet"_s;
        return false;
    }
    m_hostAddress = QHostAddress(u"10.213.%1.1"_s.arg(subnet));
    m_nsAddress = QHostAddress(u"10.213.%1.2"_s.arg(subnet));

    const QList<QStringList> steps = {
        {u"netns"_s, u"add"_s, m_ns},
        {u"link"_s, u"add"_s, m_hostLink, u"type"_s, u"veth"_s, u"peer"_s, u"name"_s, m_nsLink},
        {u"link"_s, u"set"_s, m_nsLink, u"netns"_s, m_ns},
        {u"addr"_s, u"add"_s, m_hostAddress.toString() + u"/30"_s, u"dev"_s, m_hostLink},
        {u"link"_s, u"set"_s, m_hostLink, u"up"_s},
        {u"-n"_s, m_ns, u"addr"_s, u"add"_s, m_nsAddress.toString() + u"/30"_s, u"dev"_s, m_nsLink},
        {u"-n"_s, m_ns, u"link"_s, u"set"_s, m_nsLink, u"up"_s},
        {u"-n"_s, m_ns, u"link"_s, u"set"_s, u"lo"_s, u"up"_s},
    };
    for (const QStringList& step : steps) {
        QByteArray output;
        if (!runCommand(u"ip"_s, step, &output)) {
            *why =
                u"`ip %1` failed: %2"_s.arg(step.join(u' '), QString::fromUtf8(output).trimmed());
            return false;
        }
        if (step.at(1) == u"add"_s && step.at(0) == u"netns"_s)
            m_namespaceUp = true;
    }
    return true;
}

void TestRemoteClients::tearDownNamespace()
{
    if (m_ns.isEmpty())
        return;
    if (m_namespaceUp)
        runCommand(u"ip"_s, {u"netns"_s, u"delete"_s, m_ns});
    // Gone with the namespace when its peer was moved there; if the move failed it
    // is still here.
    QByteArray ignored;
    runCommand(u"ip"_s, {u"link"_s, u"delete"_s, m_hostLink}, &ignored);
    m_namespaceUp = false;
}

EngineSettings TestRemoteClients::remoteSettings() const
{
    EngineSettings settings = EngineFixture::testSettings();
    settings.listenAddress = m_hostAddress;
    settings.listenPort = 0;
    settings.inboundAuth.required = true;
    settings.inboundAuth.username = kUser;
    settings.inboundAuth.password = kPassword;
    // The loopback origin's port is allowed too, so that refusing it proves the
    // address rule rather than the port rule.
    settings.remoteTunnelPorts = {m_vethOrigin.port(), m_loopbackOrigin.port()};
    settings.limits.connectTimeoutMs = 2000;
    return settings;
}

bool TestRemoteClients::startEngine(const EngineSettings& settings)
{
    if (m_engine->start(settings))
        return true;
    qWarning("engine did not start: %s", qPrintable(m_engine->errorString()));
    return false;
}

RemoteCurl TestRemoteClients::curlFromNamespace(const QStringList& args)
{
    const QString format = u"\n<#%{http_code}|%{http_connect}#>"_s;
    QStringList fullArgs{u"netns"_s,
                         u"exec"_s,
                         m_ns,
                         u"/usr/bin/curl"_s,
                         u"-q"_s,
                         u"-sS"_s,
                         u"--max-time"_s,
                         QString::number(kCurlMaxTimeSec),
                         u"-w"_s,
                         format};
    fullArgs += args;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    for (const QString& key : environment.keys()) {
        if (key.endsWith(u"_proxy"_s, Qt::CaseInsensitive))
            environment.remove(key);
    }
    environment.insert(u"CURL_HOME"_s, u"/nonexistent"_s);

    RemoteCurl result;
    QProcess process;
    process.setProcessEnvironment(environment);
    process.start(u"ip"_s, fullArgs);
    // Origins and the fixture live in this thread: keep the event loop running.
    const bool started = process.waitForStarted(5000);
    result.finished =
        started && QTest::qWaitFor([&] { return process.state() == QProcess::NotRunning; },
                                   (kCurlMaxTimeSec + 5) * 1000);
    if (!result.finished) {
        process.kill();
        process.waitForFinished(3000);
    }
    result.exitCode = result.finished ? process.exitCode() : -1;
    result.stdErr = process.readAllStandardError();
    const QByteArray out = process.readAllStandardOutput();
    static const QRegularExpression codes(u"<#(\\d+)\\|(\\d+)#>$"_s);
    const QRegularExpressionMatch match = codes.match(QString::fromUtf8(out));
    if (match.hasMatch()) {
        result.httpCode = match.captured(1).toInt();
        result.connectCode = match.captured(2).toInt();
        result.body = out.left(out.lastIndexOf("\n<#"));
    }
    return result;
}

QString TestRemoteClients::proxyUrl(const QString& scheme, const QString& user,
                                    const QString& password) const
{
    const QString login = user.isEmpty() ? QString() : user + u':' + password + u'@';
    return u"%1://%2%3:%4"_s.arg(scheme, login, m_hostAddress.toString()).arg(m_engine->port());
}

QByteArray TestRemoteClients::rawExchangeFromNamespace(const QByteArray& request)
{
    // setns() moves only the calling thread, so a short-lived thread opens the
    // socket inside the namespace while this thread keeps its event loop running.
    const QByteArray nsPath = QFile::encodeName(u"/run/netns/"_s + m_ns);
    const quint32 host = m_hostAddress.toIPv4Address();
    const quint16 port = m_engine->port();
    QByteArray received;
    QByteArray error;
    std::atomic<bool> done{false};
    std::thread worker([&] {
        const auto finish = [&](const QByteArray& why) {
            error = why;
            done = true;
        };
        const int nsFd = ::open(nsPath.constData(), O_RDONLY | O_CLOEXEC);
        if (nsFd < 0)
            return finish("cannot open " + nsPath);
        const int joined = ::setns(nsFd, CLONE_NEWNET);
        ::close(nsFd);
        if (joined != 0)
            return finish("setns failed");
        const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0)
            return finish("socket failed");
        timeval timeout{5, 0};
        ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
        ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_port = htons(port);
        address.sin_addr.s_addr = htonl(host);
        if (::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
            ::close(fd);
            return finish("connect failed");
        }
        if (::send(fd, request.constData(), size_t(request.size()), MSG_NOSIGNAL) !=
            ssize_t(request.size())) {
            ::close(fd);
            return finish("send failed");
        }
        char buffer[512];
        for (int reads = 0; reads < 64; ++reads) { // ends on close, timeout or error
            const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
            if (n <= 0)
                break;
            received.append(buffer, n);
        }
        ::close(fd);
        done = true;
    });
    // recv gives up after 5 s, so the worker ends on its own; the wait is bounded too.
    (void)QTest::qWaitFor([&] { return done.load(); }, 15'000);
    worker.join();
    if (!error.isEmpty())
        qWarning("raw exchange: %s", error.constData());
    return received;
}

QByteArray TestRemoteClients::socksLogin(const QString& user, const QString& password)
{
    const QByteArray u = user.toUtf8();
    const QByteArray p = password.toUtf8();
    return QByteArray("\x05\x01\x02", 3) + "\x01" + char(u.size()) + u + char(p.size()) + p;
}

QByteArray TestRemoteClients::socksConnectIpv4(const QHostAddress& address, quint16 port)
{
    const quint32 ip = address.toIPv4Address();
    QByteArray request("\x05\x01\x00\x01", 4);
    request += char(ip >> 24);
    request += char(ip >> 16);
    request += char(ip >> 8);
    request += char(ip);
    request += char(port >> 8);
    request += char(port);
    return request;
}

int TestRemoteClients::eventsFromHostSide() const
{
    const QString prefix = m_hostAddress.toString() + u':';
    int count = 0;
    for (const LogEvent& event : m_engine->events()) {
        if (event.clientAddress.startsWith(prefix))
            ++count;
    }
    return count;
}

// --- cases ---------------------------------------------------------------

void TestRemoteClients::refusesToListenOffLoopbackWithoutAuth_data()
{
    QTest::addColumn<QString>("address");
    QTest::addColumn<bool>("required");
    QTest::addColumn<QString>("password");
    QTest::newRow("veth address, no auth") << QString() << false << QString();
    QTest::newRow("veth address, auth without password") << QString() << true << QString();
    QTest::newRow("veth address, password but not required") << QString() << false << kPassword;
    QTest::newRow("any address, no auth") << u"0.0.0.0"_s << false << QString();
    QTest::newRow("any IPv6 address, no auth") << u"::"_s << false << QString();
}

void TestRemoteClients::refusesToListenOffLoopbackWithoutAuth()
{
    QFETCH(QString, address);
    QFETCH(bool, required);
    QFETCH(QString, password);
    EngineSettings settings = remoteSettings();
    settings.listenAddress = address.isEmpty() ? m_hostAddress : QHostAddress(address);
    settings.inboundAuth.required = required;
    settings.inboundAuth.password = password;
    QVERIFY(!m_engine->start(settings));
    const QString error = m_engine->errorString();
    QVERIFY2(error.contains(u"requires inbound authentication"_s), qPrintable(error));
    QVERIFY2(error.contains(settings.listenAddress.toString()), qPrintable(error));
    QCOMPARE(m_engine->engine().boundPort(), quint16(0));

    // Nothing listens: a client in the namespace is refused at TCP level.
    if (address.isEmpty()) {
        const RemoteCurl probe = curlFromNamespace(
            {u"--connect-timeout"_s, u"2"_s, u"http://%1:8877/"_s.arg(m_hostAddress.toString())});
        QCOMPARE(probe.httpCode, 0);
    }

    // The same settings with a password do start.
    settings.inboundAuth = {true, kUser, kPassword};
    settings.listenAddress = m_hostAddress;
    QVERIFY2(m_engine->start(settings), qPrintable(m_engine->errorString()));
}

void TestRemoteClients::httpNeedsCredentials_data()
{
    QTest::addColumn<QString>("user");
    QTest::addColumn<QString>("password");
    QTest::addColumn<bool>("tunnel");
    QTest::addColumn<int>("expected");
    QTest::newRow("GET, no credentials") << QString() << QString() << false << 407;
    QTest::newRow("GET, wrong password") << kUser << u"Corr3ct-Horsf"_s << false << 407;
    QTest::newRow("GET, wrong user") << u"remote-usr"_s << kPassword << false << 407;
    QTest::newRow("GET, password prefix") << kUser << u"Corr3ct"_s << false << 407;
    QTest::newRow("GET, right credentials") << kUser << kPassword << false << 200;
    QTest::newRow("CONNECT, no credentials") << QString() << QString() << true << 407;
    QTest::newRow("CONNECT, wrong password") << kUser << u"x"_s << true << 407;
    QTest::newRow("CONNECT, right credentials") << kUser << kPassword << true << 200;
}

void TestRemoteClients::httpNeedsCredentials()
{
    QFETCH(QString, user);
    QFETCH(QString, password);
    QFETCH(bool, tunnel);
    QFETCH(int, expected);
    QVERIFY(startEngine(remoteSettings()));
    const int before = m_vethOrigin.connectionCount();
    const QString target =
        u"http://%1:%2/auth"_s.arg(m_hostAddress.toString()).arg(m_vethOrigin.port());
    QStringList args{u"-x"_s, proxyUrl(u"http"_s, QString(), QString())};
    if (!user.isEmpty())
        args << u"--proxy-user"_s << user + u':' + password;
    if (tunnel)
        args << u"--proxytunnel"_s;
    args << target;
    const RemoteCurl result = curlFromNamespace(args);
    QVERIFY2(result.finished, result.describe().constData());
    if (tunnel)
        QCOMPARE(result.connectCode, expected);
    else
        QCOMPARE(result.httpCode, expected);

    const auto event = m_engine->waitForFinished(
        [&](const LogEvent& e) { return e.clientAddress.startsWith(m_nsAddress.toString()); });
    QVERIFY(event);
    QCOMPARE(event->status, expected);
    if (expected == 407) {
        QCOMPARE(m_vethOrigin.connectionCount(), before);
        QVERIFY2(event->error.contains(user.isEmpty() ? u"credentials required"_s
                                                      : u"wrong proxy username or password"_s),
                 qPrintable(event->error));
    } else {
        QCOMPARE(m_vethOrigin.connectionCount(), before + 1);
        QVERIFY2(result.body.contains("address-origin GET /auth"), result.body.constData());
    }
}

void TestRemoteClients::socksNeedsCredentials()
{
    QVERIFY(startEngine(remoteSettings()));
    const int before = m_vethOrigin.connectionCount();

    // Only "no authentication" offered: 0xFF, then the engine closes.
    QCOMPARE(rawExchangeFromNamespace(QByteArray("\x05\x01\x00", 3)), QByteArray("\x05\xff", 2));
    // SOCKS4 cannot authenticate: rejected (91).
    const QByteArray socks4 = QByteArray("\x04\x01", 2) + char(m_vethOrigin.port() >> 8) +
                              char(m_vethOrigin.port() & 0xff) + QByteArray("\x0a\xd5", 2) +
                              char(m_hostAddress.toIPv4Address() >> 8) +
                              char(m_hostAddress.toIPv4Address()) + QByteArray("x\0", 2);
    const QByteArray socks4Reply = rawExchangeFromNamespace(socks4);
    QVERIFY2(socks4Reply.size() >= 2 && socks4Reply.at(1) == '\x5b',
             socks4Reply.toHex().constData());
    // Wrong password: method 2 chosen, RFC 1929 status 1, close; the CONNECT that
    // follows in the same packet is never acted on.
    const QByteArray wrong =
        socksLogin(kUser, u"nope"_s) + socksConnectIpv4(m_hostAddress, m_vethOrigin.port());
    QCOMPARE(rawExchangeFromNamespace(wrong), QByteArray("\x05\x02\x01\x01", 4));
    // Wrong user.
    QCOMPARE(rawExchangeFromNamespace(socksLogin(u"someone"_s, kPassword)),
             QByteArray("\x05\x02\x01\x01", 4));
    QCOMPARE(m_vethOrigin.connectionCount(), before);

    // curl without a login offers no method the engine takes.
    const QString target =
        u"http://%1:%2/socks"_s.arg(m_hostAddress.toString()).arg(m_vethOrigin.port());
    const RemoteCurl anonymous =
        curlFromNamespace({u"-x"_s, proxyUrl(u"socks5"_s, QString(), QString()), target});
    QVERIFY2(anonymous.finished && anonymous.exitCode != 0 && anonymous.httpCode == 0,
             anonymous.describe().constData());
    QCOMPARE(m_vethOrigin.connectionCount(), before);

    // With the login it works.
    const RemoteCurl good =
        curlFromNamespace({u"-x"_s, proxyUrl(u"socks5"_s, kUser, kPassword), target});
    QVERIFY2(good.finished && good.exitCode == 0, good.describe().constData());
    QCOMPARE(good.httpCode, 200);
    QVERIFY(good.body.contains("address-origin GET /socks"));
    QCOMPARE(m_vethOrigin.connectionCount(), before + 1);
}

void TestRemoteClients::failedLoginsAreThrottled()
{
    static_assert(LoginThrottle::maxFailures == 5, "the counts below assume 5");
    QVERIFY(startEngine(remoteSettings()));
    const QString target =
        u"http://%1:%2/throttle"_s.arg(m_hostAddress.toString()).arg(m_vethOrigin.port());
    const auto httpWith = [&](const QString& password) {
        return curlFromNamespace({u"-x"_s, proxyUrl(u"http"_s, QString(), QString()),
                                  u"--proxy-user"_s, kUser + u':' + password, target});
    };

    // One failure short of the limit, then the right password: accepted, and the
    // count starts again.
    for (int i = 0; i < LoginThrottle::maxFailures - 1; ++i)
        QCOMPARE(httpWith(u"guess-%1"_s.arg(i)).httpCode, 407);
    QCOMPARE(httpWith(kPassword).httpCode, 200);

    // A missing login is not a guess: it does not count.
    for (int i = 0; i < LoginThrottle::maxFailures + 1; ++i)
        QCOMPARE(curlFromNamespace({u"-x"_s, proxyUrl(u"http"_s, QString(), QString()), target})
                     .httpCode,
                 407);

    // maxFailures wrong passwords: now even the right one is refused, over HTTP
    // (429) and over SOCKS (RFC 1929 failure), without reaching the origin.
    for (int i = 0; i < LoginThrottle::maxFailures; ++i)
        QCOMPARE(httpWith(u"again-%1"_s.arg(i)).httpCode, 407);
    const int before = m_vethOrigin.connectionCount();
    const RemoteCurl blocked = httpWith(kPassword);
    QCOMPARE(blocked.httpCode, 429);
    QVERIFY2(blocked.body.contains("too many failed logins"), blocked.body.constData());
    QCOMPARE(rawExchangeFromNamespace(socksLogin(kUser, kPassword)),
             QByteArray("\x05\x02\x01\x01", 4));
    const RemoteCurl socks =
        curlFromNamespace({u"-x"_s, proxyUrl(u"socks5"_s, kUser, kPassword), target});
    QVERIFY2(socks.exitCode != 0 && socks.httpCode == 0, socks.describe().constData());
    QCOMPARE(m_vethOrigin.connectionCount(), before);
    const auto event = m_engine->waitForFinished([](const LogEvent& e) {
        return e.status == 429 && e.error.contains(u"too many failed logins"_s);
    });
    QVERIFY(event);

    // Stopping and starting the same engine keeps the count (a restart is no way
    // around it); the window itself is LoginThrottle::windowMs, 60 s.
    QVERIFY(m_engine->stop());
    QVERIFY(startEngine(remoteSettings()));
    QCOMPARE(httpWith(kPassword).httpCode, 429);

    // The throttle belongs to one engine: a new one lets the right password in.
    QVERIFY(m_engine->stop());
    delete m_engine;
    m_engine = new EngineFixture(this);
    QVERIFY(startEngine(remoteSettings()));
    QCOMPARE(httpWith(kPassword).httpCode, 200);
}

void TestRemoteClients::tunnelsOnlyToAllowedPorts_data()
{
    QTest::addColumn<bool>("socks");
    QTest::addColumn<bool>("allowedPort");
    QTest::newRow("CONNECT, allowed port") << false << true;
    QTest::newRow("CONNECT, other port") << false << false;
    QTest::newRow("SOCKS5, allowed port") << true << true;
    QTest::newRow("SOCKS5, other port") << true << false;
}

void TestRemoteClients::tunnelsOnlyToAllowedPorts()
{
    QFETCH(bool, socks);
    QFETCH(bool, allowedPort);
    QVERIFY(startEngine(remoteSettings()));
    AddressOrigin& origin = allowedPort ? m_vethOrigin : m_otherOrigin;
    const int before = origin.connectionCount();
    const QString target =
        u"http://%1:%2/tunnel"_s.arg(m_hostAddress.toString()).arg(origin.port());
    const RemoteCurl result =
        socks ? curlFromNamespace({u"-x"_s, proxyUrl(u"socks5"_s, kUser, kPassword), target})
              : curlFromNamespace(
                    {u"-x"_s, proxyUrl(u"http"_s, kUser, kPassword), u"--proxytunnel"_s, target});
    QVERIFY2(result.finished, result.describe().constData());
    if (allowedPort) {
        QVERIFY2(result.exitCode == 0, result.describe().constData());
        QCOMPARE(result.httpCode, 200);
        if (!socks)
            QCOMPARE(result.connectCode, 200);
        QVERIFY(result.body.contains("address-origin GET /tunnel"));
        QCOMPARE(origin.connectionCount(), before + 1);
        return;
    }
    if (socks)
        QCOMPARE(result.socksReply(), 2);
    else
        QCOMPARE(result.connectCode, 403);
    QCOMPARE(result.httpCode, 0);
    QCOMPARE(origin.connectionCount(), before);
    const auto event = m_engine->waitForFinished([](const LogEvent& e) {
        return e.error.contains(u"not open to clients on other machines"_s);
    });
    QVERIFY(event);
    QCOMPARE(event->route, u"blocked"_s);
}

void TestRemoteClients::plainHttpReachesAnyPort()
{
    // remoteTunnelPorts limits tunnels only: a plain GET to a port outside it is
    // forwarded (the proxy sees, logs and rewrites it).
    QVERIFY(startEngine(remoteSettings()));
    const int before = m_otherOrigin.connectionCount();
    const RemoteCurl result = curlFromNamespace(
        {u"-x"_s, proxyUrl(u"http"_s, kUser, kPassword),
         u"http://%1:%2/plain?x=1"_s.arg(m_hostAddress.toString()).arg(m_otherOrigin.port())});
    QVERIFY2(result.exitCode == 0, result.describe().constData());
    QCOMPARE(result.httpCode, 200);
    QVERIFY2(result.body.contains("address-origin GET /plain?x=1 HTTP/1.1"),
             result.body.constData());
    QCOMPARE(m_otherOrigin.connectionCount(), before + 1);
}

void TestRemoteClients::localDestinationsRefused_data()
{
    QTest::addColumn<QString>("kind"); // get, connect, socks
    QTest::addColumn<QString>("host"); // in URL form; %L is the loopback origin's port
    QTest::addColumn<QString>("reason");

    const QStringList kinds{u"get"_s, u"connect"_s, u"socks"_s};
    const QList<std::pair<const char*, QString>> hosts = {
        {"127.0.0.1", u"127.0.0.1"_s},
        {"127.0.0.2", u"127.0.0.2"_s},
        {"localhost", u"localhost"_s},
        {"name.localhost", u"name.localhost"_s},
        {"::1", u"[::1]"_s},
        {"v4-mapped loopback", u"[::ffff:127.0.0.1]"_s},
        {"0.0.0.0", u"0.0.0.0"_s},
        {"link-local", u"169.254.10.20"_s},
        {"v6 link-local", u"[fe80::1]"_s},
        {"name resolving to loopback", u"loop.example"_s},
        {"name resolving to link-local", u"linklocal.example"_s},
    };
    for (const QString& kind : kinds) {
        for (const auto& [label, host] : hosts) {
            const bool viaName = host.endsWith(u".example"_s);
            QTest::newRow(qPrintable(kind + u", "_s + QString::fromLatin1(label)))
                << kind << host
                << (viaName ? u"which clients on other machines may not reach"_s
                            : u"is on this machine, which clients on other machines may not "
                              u"reach"_s);
        }
    }
}

void TestRemoteClients::localDestinationsRefused()
{
    QFETCH(QString, kind);
    QFETCH(QString, host);
    QFETCH(QString, reason);
    EngineSettings settings = remoteSettings();
    settings.hostsOverride.insert(u"loop.example"_s, {QHostAddress(QHostAddress::LocalHost)});
    settings.hostsOverride.insert(u"linklocal.example"_s, {QHostAddress(u"169.254.10.20"_s)});
    QVERIFY(startEngine(settings));
    const int before = m_loopbackOrigin.connectionCount();
    const QString target = u"http://%1:%2/local"_s.arg(host).arg(m_loopbackOrigin.port());
    RemoteCurl result;
    if (kind == u"get"_s) {
        result = curlFromNamespace({u"-x"_s, proxyUrl(u"http"_s, kUser, kPassword), target});
        QCOMPARE(result.httpCode, 403);
    } else if (kind == u"connect"_s) {
        result = curlFromNamespace(
            {u"-x"_s, proxyUrl(u"http"_s, kUser, kPassword), u"--proxytunnel"_s, target});
        QCOMPARE(result.connectCode, 403);
    } else {
        // socks5h: the engine gets the name and decides, as it would for any client.
        result = curlFromNamespace({u"-x"_s, proxyUrl(u"socks5h"_s, kUser, kPassword), target});
        QVERIFY2(result.socksReply() == 2, result.describe().constData());
    }
    QVERIFY2(result.finished, result.describe().constData());
    const auto event = m_engine->waitForFinished([](const LogEvent& e) {
        return e.error.contains(u"clients on other machines may not reach"_s);
    });
    QVERIFY2(event, result.describe().constData());
    QVERIFY2(event->error.contains(reason), qPrintable(event->error));
    QCOMPARE(m_loopbackOrigin.connectionCount(), before);
}

void TestRemoteClients::proxyItselfRefused_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("host"); // empty: the proxy's address as a literal
    QTest::addColumn<int>("expected"); // HTTP status, or SOCKS5 reply
    QTest::addColumn<QString>("reason");
    QTest::newRow("GET, proxy address: answered locally")
        << u"get"_s << QString() << 200 << QString();
    QTest::newRow("CONNECT, proxy address")
        << u"connect"_s << QString() << 400 << u"CONNECT to the proxy's own address would loop"_s;
    QTest::newRow("SOCKS5, proxy address")
        << u"socks"_s << QString() << 2 << u"a connection to the proxy itself would loop"_s;
    const QString byName = u"this proxy's own address and port: the connection would loop"_s;
    QTest::newRow("GET, name for the proxy address")
        << u"get"_s << u"self.example"_s << 403 << byName;
    QTest::newRow("CONNECT, name for the proxy address")
        << u"connect"_s << u"self.example"_s << 403 << byName;
    QTest::newRow("SOCKS5, name for the proxy address")
        << u"socks"_s << u"self.example"_s << 2 << byName;
}

void TestRemoteClients::proxyItselfRefused()
{
    QFETCH(QString, kind);
    QFETCH(QString, host);
    QFETCH(int, expected);
    QFETCH(QString, reason);
    // Listen on a known port and allow tunnels to it, so that only the loop rule
    // stands between the client and the proxy's own port.
    QTcpServer probe;
    QVERIFY(probe.listen(m_hostAddress, 0));
    const quint16 port = probe.serverPort();
    probe.close();
    EngineSettings settings = remoteSettings();
    settings.listenPort = port;
    settings.remoteTunnelPorts.append(port);
    settings.hostsOverride.insert(u"self.example"_s, {m_hostAddress});
    QVERIFY(startEngine(settings));
    QCOMPARE(m_engine->port(), port);

    const QString name = host.isEmpty() ? m_hostAddress.toString() : host;
    const QString target = u"http://%1:%2/again"_s.arg(name).arg(port);
    RemoteCurl result;
    if (kind == u"get"_s) {
        result = curlFromNamespace({u"-x"_s, proxyUrl(u"http"_s, kUser, kPassword), target});
        QVERIFY2(result.httpCode == expected, result.describe().constData());
    } else if (kind == u"connect"_s) {
        result = curlFromNamespace(
            {u"-x"_s, proxyUrl(u"http"_s, kUser, kPassword), u"--proxytunnel"_s, target});
        QVERIFY2(result.connectCode == expected, result.describe().constData());
    } else {
        result = curlFromNamespace({u"-x"_s, proxyUrl(u"socks5h"_s, kUser, kPassword), target});
        QVERIFY2(result.socksReply() == expected, result.describe().constData());
    }
    QVERIFY2(result.finished, result.describe().constData());
    if (!reason.isEmpty()) {
        const auto event =
            m_engine->waitForFinished([&](const LogEvent& e) { return e.error.contains(reason); });
        QVERIFY2(event, result.describe().constData());
    }
    // Let any connection the engine made to itself show up in the log, then check
    // there was none: every event comes from the namespace's address.
    QTest::qWait(300);
    QCOMPARE(eventsFromHostSide(), 0);
}

QTEST_GUILESS_MAIN(TestRemoteClients)

#include "tst_remoteclients.moc"
