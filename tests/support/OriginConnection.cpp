#include "OriginConnection.h"

#include "BytePattern.h"
#include "OriginRecorder.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSocketNotifier>
#include <cerrno>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

namespace {

constexpr qsizetype kHighWater = 256 * 1024; // produce no more while this much is unsent
constexpr qsizetype kReadPerWakeup = 1024 * 1024;
constexpr qsizetype kEchoLimit = 1024 * 1024; // stop reading while this much echo is unsent
constexpr int kLingerMs = 2000;
// Varied chunk sizes so the proxy's chunk parser meets small, odd and large chunks.
constexpr qint64 kChunkSizes[] = {1, 7001, 65536, 123, 40000, 16384};

QByteArray reasonPhrase(int status)
{
    switch (status) {
    case 101:
        return QByteArrayLiteral("Switching Protocols");
    case 200:
        return QByteArrayLiteral("OK");
    case 201:
        return QByteArrayLiteral("Created");
    case 204:
        return QByteArrayLiteral("No Content");
    case 304:
        return QByteArrayLiteral("Not Modified");
    case 400:
        return QByteArrayLiteral("Bad Request");
    case 404:
        return QByteArrayLiteral("Not Found");
    case 500:
        return QByteArrayLiteral("Internal Server Error");
    default:
        return QByteArrayLiteral("Status");
    }
}

QByteArray makeHead(int status, const QList<QPair<QByteArray, QByteArray>>& fields, bool close)
{
    QByteArray head = "HTTP/1.1 " + QByteArray::number(status) + ' ' + reasonPhrase(status) +
                      "\r\nServer: LoopbackOrigin\r\n";
    for (const auto& field : fields)
        head += field.first + ": " + field.second + "\r\n";
    if (close)
        head += "Connection: close\r\n";
    head += "\r\n";
    return head;
}

bool parseNumber(const QByteArray& text, qint64* value)
{
    bool ok = !text.isEmpty();
    for (char c : text)
        ok = ok && c >= '0' && c <= '9';
    if (ok)
        *value = text.toLongLong(&ok);
    return ok;
}

} // namespace

OriginConnection::OriginConnection(qintptr descriptor, OriginRecorder* recorder,
                                   int sendBufferBytes, QObject* parent)
    : QObject(parent), m_fd(static_cast<int>(descriptor)), m_recorder(recorder)
{
    m_index = m_recorder->connectionOpened();
    ::fcntl(m_fd, F_SETFL, ::fcntl(m_fd, F_GETFL) | O_NONBLOCK);
    if (sendBufferBytes > 0)
        ::setsockopt(m_fd, SOL_SOCKET, SO_SNDBUF, &sendBufferBytes, sizeof sendBufferBytes);

    m_readNotifier = new QSocketNotifier(descriptor, QSocketNotifier::Read, this);
    m_writeNotifier = new QSocketNotifier(descriptor, QSocketNotifier::Write, this);
    m_writeNotifier->setEnabled(false);
    connect(m_readNotifier, &QSocketNotifier::activated, this, &OriginConnection::onReadable);
    connect(m_writeNotifier, &QSocketNotifier::activated, this, &OriginConnection::drive);
    m_lingerTimer.setSingleShot(true);
    connect(&m_lingerTimer, &QTimer::timeout, this, &OriginConnection::closeNow);
}

OriginConnection::~OriginConnection()
{
    if (!m_dead) {
        m_readNotifier->setEnabled(false);
        m_writeNotifier->setEnabled(false);
        ::close(m_fd);
        m_recorder->connectionClosed(m_index);
    }
}

void OriginConnection::onReadable()
{
    if (m_dead)
        return;
    char buffer[64 * 1024];
    qsizetype total = 0;
    while (total < kReadPerWakeup) {
        const ssize_t n = ::recv(m_fd, buffer, sizeof buffer, 0);
        if (n > 0) {
            total += n;
            m_recorder->appendReceived(m_index, QByteArrayView(buffer, n));
            if (m_writeShut)
                continue; // draining before close
            if (m_echo)
                m_out.append(buffer, n);
            else
                m_parser.feed(QByteArrayView(buffer, n));
            continue;
        }
        if (n == 0) {
            m_peerEof = true;
            m_readNotifier->setEnabled(false);
            break;
        }
        if (errno == EINTR)
            continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK)
            break;
        closeNow();
        return;
    }
    if (!m_echo && !m_upgradePending && !m_noMoreRequests)
        parseRequests();
    drive();
}

void OriginConnection::parseRequests()
{
    for (;;) {
        HttpMessage request;
        const HttpMessageParser::Result result = m_parser.next(&request);
        if (result == HttpMessageParser::Result::NeedMore)
            return;
        if (result == HttpMessageParser::Result::Error) {
            m_recorder->addError(
                QStringLiteral("connection %1: %2").arg(m_index).arg(m_parser.errorString()));
            Job job;
            job.body = QByteArrayLiteral("origin could not parse the request\n");
            job.head =
                makeHead(400, {{"Content-Length", QByteArray::number(job.body.size())}}, true);
            job.close = true;
            enqueue(job);
            return;
        }
        handle(request);
        if (m_upgradePending || m_noMoreRequests)
            return;
    }
}

void OriginConnection::handle(const HttpMessage& request)
{
    m_recorder->addRequest(m_index, request);
    const bool http11 = request.version == "HTTP/1.1";
    const bool keepAlive = http11 ? !request.hasToken("Connection", "close")
                                  : request.hasToken("Connection", "keep-alive");
    const bool head = request.method == "HEAD";

    Job job;
    job.close = !keepAlive;
    auto simple = [&](int status, const QByteArray& body) {
        job.body = head ? QByteArray() : body;
        job.head = makeHead(
            status,
            {{"Content-Type", "text/plain"}, {"Content-Length", QByteArray::number(body.size())}},
            job.close);
    };

    if (!request.target.startsWith('/')) {
        m_recorder->addError(
            QStringLiteral("connection %1: request target is not in origin-form: %2")
                .arg(m_index)
                .arg(QString::fromLatin1(request.target)));
        job.close = true;
        simple(400, QByteArrayLiteral("origin expects origin-form request targets\n"));
        enqueue(job);
        return;
    }

    QByteArray path = request.target;
    const qsizetype query = path.indexOf('?');
    if (query >= 0)
        path.truncate(query);
    const QList<QByteArray> parts = path.split('/'); // "", name, argument
    const QByteArray name = parts.value(1);
    const QByteArray argument = parts.value(2);
    qint64 number = -1;
    const bool hasNumber = parts.size() == 3 && parseNumber(argument, &number);

    if ((name == "bytes" || name == "chunked" || name == "close") && hasNumber) {
        QList<QPair<QByteArray, QByteArray>> fields{{"Content-Type", "application/octet-stream"}};
        if (name == "bytes")
            fields.append(
                qMakePair(QByteArrayLiteral("Content-Length"), QByteArray::number(number)));
        else if (name == "chunked")
            fields.append(
                qMakePair(QByteArrayLiteral("Transfer-Encoding"), QByteArrayLiteral("chunked")));
        else
            job.close = true; // the body ends when the connection does
        job.head = makeHead(200, fields, job.close);
        job.chunked = name == "chunked";
        job.patternLength = head ? 0 : number;
        if (head)
            job.chunked = false;
    } else if (name == "echo" && parts.size() == 2) {
        QJsonArray headers;
        for (const auto& field : request.headers)
            headers.append(
                QJsonArray{QString::fromLatin1(field.first), QString::fromLatin1(field.second)});
        const QByteArray sha =
            QCryptographicHash::hash(request.body, QCryptographicHash::Sha256).toHex();
        const QJsonObject echo{
            {QStringLiteral("method"), QString::fromLatin1(request.method)},
            {QStringLiteral("target"), QString::fromLatin1(request.target)},
            {QStringLiteral("version"), QString::fromLatin1(request.version)},
            {QStringLiteral("bodyLength"), static_cast<double>(request.body.size())},
            {QStringLiteral("sha256"), QString::fromLatin1(sha)},
            {QStringLiteral("chunked"), request.chunked},
            {QStringLiteral("headers"), headers},
        };
        const QByteArray body = QJsonDocument(echo).toJson(QJsonDocument::Compact) + '\n';
        job.body = head ? QByteArray() : body;
        job.head = makeHead(200,
                            {{"Content-Type", "application/json"},
                             {"Content-Length", QByteArray::number(body.size())},
                             {"X-Echo-Method", request.method},
                             {"X-Echo-Length", QByteArray::number(request.body.size())},
                             {"X-Echo-Sha256", sha}},
                            job.close);
    } else if (name == "slow" && hasNumber) {
        simple(200, "slow " + argument + '\n');
        job.ready = false;
        const quint64 id = m_nextJobId;
        QTimer::singleShot(static_cast<int>(qMin<qint64>(number, 60'000)), this, [this, id] {
            for (Job& queued : m_jobs) {
                if (queued.id == id)
                    queued.ready = true;
            }
            drive();
        });
    } else if (name == "status" && hasNumber && number >= 200 && number <= 599) {
        const int status = static_cast<int>(number);
        if (status == 204 || status == 304) {
            job.head = makeHead(status, {}, job.close);
        } else {
            simple(status, "status " + argument + '\n');
        }
    } else if (name == "ws" && parts.size() == 2) {
        const QByteArray key = request.header("Sec-WebSocket-Key");
        if (!request.hasToken("Upgrade", "websocket") ||
            !request.hasToken("Connection", "upgrade") || key.isEmpty()) {
            m_recorder->addError(
                QStringLiteral("connection %1: /ws without a WebSocket upgrade").arg(m_index));
            simple(400, QByteArrayLiteral("expected a WebSocket upgrade\n"));
        } else {
            const QByteArray accept =
                QCryptographicHash::hash(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11",
                                         QCryptographicHash::Sha1)
                    .toBase64();
            job.head = makeHead(101,
                                {{"Upgrade", "websocket"},
                                 {"Connection", "Upgrade"},
                                 {"Sec-WebSocket-Accept", accept}},
                                false);
            job.close = false;
            job.upgrade = true;
            m_upgradePending = true;
        }
    } else {
        simple(404, "no such endpoint: " + request.target + '\n');
    }
    enqueue(job);
}

void OriginConnection::enqueue(Job job)
{
    job.id = m_nextJobId++;
    if (job.close)
        m_noMoreRequests = true;
    m_jobs.push_back(std::move(job));
}

void OriginConnection::produce()
{
    while (!m_jobs.empty() && pending() < kHighWater) {
        Job& job = m_jobs.front();
        if (!job.ready)
            return;
        if (!job.headQueued) {
            m_out += job.head;
            m_out += job.body;
            job.headQueued = true;
        }
        while (job.patternSent < job.patternLength && pending() < kHighWater) {
            qint64 n =
                job.chunked ? kChunkSizes[job.chunkIndex++ % std::size(kChunkSizes)] : 64 * 1024;
            n = qMin(n, job.patternLength - job.patternSent);
            if (job.chunked)
                m_out += QByteArray::number(n, 16) + "\r\n";
            m_out += BytePattern::bytes(job.patternSent, n);
            if (job.chunked)
                m_out += "\r\n";
            job.patternSent += n;
        }
        if (job.patternSent < job.patternLength)
            return;
        if (job.chunked)
            m_out += "0\r\n\r\n";
        const bool close = job.close;
        const bool upgrade = job.upgrade;
        m_jobs.pop_front();
        if (close) {
            m_jobs.clear();
            return;
        }
        if (upgrade) {
            m_echo = true;
            m_out += m_parser.takeBuffered();
        }
    }
}

qint64 OriginConnection::sendSome()
{
    for (;;) {
        const ssize_t n = ::send(m_fd, m_out.constData() + m_outPos, pending(), MSG_NOSIGNAL);
        if (n >= 0) {
            m_outPos += n;
            m_recorder->addBytesSent(n);
            if (m_outPos == m_out.size()) {
                m_out.clear();
                m_outPos = 0;
            } else if (m_outPos > 4 * kHighWater) {
                m_out.remove(0, m_outPos);
                m_outPos = 0;
            }
            return n;
        }
        if (errno == EINTR)
            continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK)
            return 0;
        closeNow();
        return -1;
    }
}

void OriginConnection::drive()
{
    if (m_dead)
        return;
    for (;;) {
        produce();
        if (pending() == 0)
            break;
        const qint64 n = sendSome();
        if (m_dead)
            return;
        if (n <= 0)
            break;
    }
    m_writeNotifier->setEnabled(pending() > 0);
    m_readNotifier->setEnabled(!m_peerEof && !(m_echo && pending() > kEchoLimit));
    finishIfDone();
}

void OriginConnection::finishIfDone()
{
    if (m_dead || pending() > 0 || !m_jobs.empty())
        return;
    // The response that said "close" is out (or the peer is gone and everything
    // it asked for has been answered): send FIN, then wait for the peer's FIN so
    // that unread bytes do not turn the close into a reset.
    if (!m_noMoreRequests && !m_peerEof)
        return;
    if (!m_writeShut) {
        ::shutdown(m_fd, SHUT_WR);
        m_writeShut = true;
    }
    if (m_peerEof)
        closeNow();
    else if (!m_lingerTimer.isActive())
        m_lingerTimer.start(kLingerMs);
}

void OriginConnection::closeNow()
{
    if (m_dead)
        return;
    m_dead = true;
    m_lingerTimer.stop();
    delete m_readNotifier;
    m_readNotifier = nullptr;
    delete m_writeNotifier;
    m_writeNotifier = nullptr;
    ::close(m_fd);
    m_recorder->connectionClosed(m_index);
    deleteLater();
}
