// OriginPool over real loopback connections: who watches an idle connection,
// and that one the peer closes or writes to while idle is dropped at once.

#include "OriginPool.h"
#include "TcpStream.h"

#include <QPointer>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>
#include <memory>

using namespace Switchyard;

namespace {

/// Stands for a forwarder that keeps its connections on a stream it put back:
/// it reports the stream's idle activity to the pool, as HttpForwarder does.
class ReportingWatcher : public QObject, public OriginPoolWatcher
{
public:
    ReportingWatcher(OriginPool* pool, Stream* stream) : m_pool(pool), m_stream(stream)
    {
        m_readyRead = connect(stream, &Stream::readyRead, this, [this] { report(); });
        m_failed = connect(stream, &Stream::failed, this, [this] { report(); });
    }

    void originTakenBack(Stream* stream) override
    {
        takenBack.append(stream);
        cut();
    }

    /// Lets go of the stream while it idles in the pool.
    void stop()
    {
        cut();
        m_pool->stopWatching(m_stream, this);
    }

    bool connected() const { return bool(m_readyRead); }
    QList<Stream*> takenBack;
    int reports = 0;

private:
    void report()
    {
        ++reports;
        m_pool->reportIdleActivity(m_stream);
    }
    void cut()
    {
        disconnect(m_readyRead);
        disconnect(m_failed);
    }

    OriginPool* m_pool;
    Stream* m_stream;
    QMetaObject::Connection m_readyRead;
    QMetaObject::Connection m_failed;
};

} // namespace

class TestOriginPool : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanup();

    void takeFindsOnlyItsKey();
    void newestFirst();
    void peerCloseWhileIdleDropsIt();
    void peerDataWhileIdleDropsIt();
    void watcherReportsIdleActivity();
    void otherTakerReleasesWatcher();
    void sameTakerKeepsItsConnections();
    void takerGetsItsOwnConnectionFirst();
    void stoppedWatcherHandsWatchToPool();
    void takenStreamStillReads();
    void idleTimeoutExpires();
    void fullPoolDropsOldest();

private:
    /// A connected stream and the server side of its connection.
    struct Pair
    {
        QPointer<TcpStream> stream;
        QTcpSocket* peer = nullptr;
    };
    Pair connectPair();

    QTcpServer m_server;
    std::unique_ptr<OriginPool> m_pool;
};

void TestOriginPool::initTestCase()
{
    QVERIFY(m_server.listen(QHostAddress::LocalHost, 0));
}

void TestOriginPool::cleanup()
{
    m_pool.reset();
    while (m_server.hasPendingConnections())
        delete m_server.nextPendingConnection();
}

TestOriginPool::Pair TestOriginPool::connectPair()
{
    if (!m_pool)
        m_pool = std::make_unique<OriginPool>();
    int error = 0;
    Pair pair;
    pair.stream =
        TcpStream::connectTo(QHostAddress::LocalHost, m_server.serverPort(), nullptr, &error);
    if (!pair.stream)
        return pair;
    if (!pair.stream->isConnected()) {
        QSignalSpy connected(pair.stream.data(), &Stream::connected);
        if (!connected.wait(5000))
            return {};
    }
    if (!m_server.hasPendingConnections() && !m_server.waitForNewConnection(5000))
        return {};
    pair.peer = m_server.nextPendingConnection();
    pair.peer->setParent(m_pool.get()); // gone with the pool, after each test
    return pair;
}

void TestOriginPool::takeFindsOnlyItsKey()
{
    Pair a = connectPair();
    QVERIFY(a.stream);
    m_pool->put(QStringLiteral("direct|a|80"), a.stream);
    QCOMPARE(m_pool->idleCount(), 1);
    QCOMPARE(m_pool->take(QStringLiteral("direct|b|80")), nullptr);
    Stream* taken = m_pool->take(QStringLiteral("direct|a|80"));
    QCOMPARE(taken, a.stream.data());
    QCOMPARE(m_pool->idleCount(), 0);
    QCOMPARE(m_pool->take(QStringLiteral("direct|a|80")), nullptr);
    delete taken;
}

void TestOriginPool::newestFirst()
{
    Pair older = connectPair();
    Pair newer = connectPair();
    QVERIFY(older.stream && newer.stream);
    m_pool->put(QStringLiteral("k"), older.stream);
    m_pool->put(QStringLiteral("k"), newer.stream);
    Stream* first = m_pool->take(QStringLiteral("k"));
    Stream* second = m_pool->take(QStringLiteral("k"));
    QCOMPARE(first, newer.stream.data());
    QCOMPARE(second, older.stream.data());
    delete first;
    delete second;
}

void TestOriginPool::peerCloseWhileIdleDropsIt()
{
    Pair pair = connectPair();
    QVERIFY(pair.stream);
    m_pool->put(QStringLiteral("k"), pair.stream);
    pair.peer->close();
    QTRY_VERIFY_WITH_TIMEOUT(pair.stream.isNull(), 5000);
    QCOMPARE(m_pool->idleCount(), 0);
    QCOMPARE(m_pool->take(QStringLiteral("k")), nullptr);
}

void TestOriginPool::peerDataWhileIdleDropsIt()
{
    Pair pair = connectPair();
    QVERIFY(pair.stream);
    m_pool->put(QStringLiteral("k"), pair.stream);
    // An origin has nothing to say between requests: bytes mean a broken
    // connection, which must not answer the next request.
    pair.peer->write("HTTP/1.1 200 OK\r\n\r\n");
    QTRY_VERIFY_WITH_TIMEOUT(pair.stream.isNull(), 5000);
    QCOMPARE(m_pool->idleCount(), 0);
}

void TestOriginPool::watcherReportsIdleActivity()
{
    Pair pair = connectPair();
    QVERIFY(pair.stream);
    ReportingWatcher watcher(m_pool.get(), pair.stream);
    m_pool->put(QStringLiteral("k"), pair.stream, &watcher);
    QCOMPARE(m_pool->idleCount(), 1);
    pair.peer->close();
    QTRY_VERIFY_WITH_TIMEOUT(pair.stream.isNull(), 5000);
    QCOMPARE(m_pool->idleCount(), 0);
    QVERIFY(watcher.reports >= 1);
    // The pool told the watcher to let go of the stream it dropped.
    QCOMPARE(watcher.takenBack.size(), 1);
    QVERIFY(!watcher.connected());
}

void TestOriginPool::otherTakerReleasesWatcher()
{
    Pair pair = connectPair();
    QVERIFY(pair.stream);
    ReportingWatcher first(m_pool.get(), pair.stream);
    ReportingWatcher second(m_pool.get(), pair.stream);
    m_pool->put(QStringLiteral("k"), pair.stream, &first);
    Stream* taken = m_pool->take(QStringLiteral("k"), &second);
    QCOMPARE(taken, pair.stream.data());
    QCOMPARE(first.takenBack, QList<Stream*>{taken});
    QVERIFY(!first.connected());
    QVERIFY(second.takenBack.isEmpty());
    delete taken;
}

void TestOriginPool::sameTakerKeepsItsConnections()
{
    Pair pair = connectPair();
    QVERIFY(pair.stream);
    ReportingWatcher watcher(m_pool.get(), pair.stream);
    m_pool->put(QStringLiteral("k"), pair.stream, &watcher);
    Stream* taken = m_pool->take(QStringLiteral("k"), &watcher);
    QCOMPARE(taken, pair.stream.data());
    QVERIFY(watcher.takenBack.isEmpty());
    QVERIFY(watcher.connected());
    delete taken;
}

void TestOriginPool::takerGetsItsOwnConnectionFirst()
{
    Pair own = connectPair();
    Pair other = connectPair();
    QVERIFY(own.stream && other.stream);
    ReportingWatcher mine(m_pool.get(), own.stream);
    ReportingWatcher theirs(m_pool.get(), other.stream);
    m_pool->put(QStringLiteral("k"), own.stream, &mine);
    m_pool->put(QStringLiteral("k"), other.stream, &theirs); // newer
    Stream* taken = m_pool->take(QStringLiteral("k"), &mine);
    QCOMPARE(taken, own.stream.data());
    QVERIFY(mine.takenBack.isEmpty());
    QVERIFY(theirs.takenBack.isEmpty());
    QVERIFY(theirs.connected());
    delete taken;
    // Someone without a connection of its own gets the newest.
    ReportingWatcher third(m_pool.get(), other.stream);
    taken = m_pool->take(QStringLiteral("k"), &third);
    QCOMPARE(taken, other.stream.data());
    QCOMPARE(theirs.takenBack, QList<Stream*>{taken});
    delete taken;
}

void TestOriginPool::stoppedWatcherHandsWatchToPool()
{
    Pair pair = connectPair();
    QVERIFY(pair.stream);
    ReportingWatcher watcher(m_pool.get(), pair.stream);
    m_pool->put(QStringLiteral("k"), pair.stream, &watcher);
    watcher.stop();
    QVERIFY(!watcher.connected());
    // Nobody but the pool listens now; it must still see the close.
    pair.peer->close();
    QTRY_VERIFY_WITH_TIMEOUT(pair.stream.isNull(), 5000);
    QCOMPARE(m_pool->idleCount(), 0);
    QCOMPARE(watcher.reports, 0);
    QVERIFY(watcher.takenBack.isEmpty());
}

void TestOriginPool::takenStreamStillReads()
{
    Pair pair = connectPair();
    QVERIFY(pair.stream);
    m_pool->put(QStringLiteral("k"), pair.stream);
    Stream* taken = m_pool->take(QStringLiteral("k"));
    QVERIFY(taken);
    // The pool's own connections are gone and reading is on: the taker hears
    // the peer, and the pool does not drop the stream it no longer holds.
    QSignalSpy readyRead(taken, &Stream::readyRead);
    pair.peer->write("hello");
    QVERIFY(readyRead.wait(5000));
    char buffer[16];
    QCOMPARE(taken->read(buffer, sizeof buffer), 5);
    QCOMPARE(QByteArray(buffer, 5), QByteArray("hello"));
    QVERIFY(!pair.stream.isNull());
    delete taken;
}

void TestOriginPool::idleTimeoutExpires()
{
    Pair first = connectPair();
    QVERIFY(first.stream);
    m_pool->setLimits(16, 300);
    // Emptied and filled again: the sweep must still run.
    m_pool->put(QStringLiteral("k"), first.stream);
    Stream* taken = m_pool->take(QStringLiteral("k"));
    QCOMPARE(taken, first.stream.data());
    m_pool->put(QStringLiteral("k"), taken);
    QCOMPARE(m_pool->idleCount(), 1);
    QTRY_VERIFY_WITH_TIMEOUT(first.stream.isNull(), 5000);
    QCOMPARE(m_pool->idleCount(), 0);
}

void TestOriginPool::fullPoolDropsOldest()
{
    Pair a = connectPair();
    Pair b = connectPair();
    Pair c = connectPair();
    QVERIFY(a.stream && b.stream && c.stream);
    m_pool->setLimits(2, 30'000);
    ReportingWatcher watcher(m_pool.get(), a.stream);
    m_pool->put(QStringLiteral("a"), a.stream, &watcher);
    m_pool->put(QStringLiteral("b"), b.stream);
    m_pool->put(QStringLiteral("c"), c.stream);
    QCOMPARE(m_pool->idleCount(), 2);
    QVERIFY(a.stream.isNull()); // the oldest, deleted with its watcher's connections
    QVERIFY(!watcher.connected());
    QCOMPARE(m_pool->take(QStringLiteral("a")), nullptr);
    Stream* taken = m_pool->take(QStringLiteral("c"));
    QCOMPARE(taken, c.stream.data());
    delete taken;
}

QTEST_GUILESS_MAIN(TestOriginPool)
#include "tst_originpool.moc"
