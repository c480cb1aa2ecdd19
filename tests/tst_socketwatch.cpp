// SocketWatch and the per-thread EpollReactor over real socket pairs: readiness
// is delivered like QSocketNotifier's (level-triggered, per direction), nothing
// is heard while a direction is off, handlers may delete watches mid-batch, and
// the reactor follows its thread's life.

#include "EpollReactor.h"
#include "SocketWatch.h"

#include <QElapsedTimer>
#include <QSocketNotifier>
#include <QTest>
#include <QThread>
#include <functional>
#include <memory>
#include <sys/socket.h>
#include <unistd.h>

using namespace Switchyard;

namespace {

/// A socket pair: `watched` is what the watch looks at, `peer` the other end.
struct SocketPair
{
    int watched = -1;
    int peer = -1;
    SocketPair()
    {
        int fds[2];
        if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds) == 0) {
            watched = fds[0];
            peer = fds[1];
        }
    }
    ~SocketPair()
    {
        if (watched >= 0)
            ::close(watched);
        if (peer >= 0)
            ::close(peer);
    }
    SocketPair(const SocketPair&) = delete;
    SocketPair& operator=(const SocketPair&) = delete;
    bool valid() const { return watched >= 0 && peer >= 0; }
    void send(QByteArrayView data) const
    {
        [[maybe_unused]] const ssize_t n = ::write(peer, data.data(), size_t(data.size()));
    }
    QByteArray drain() const
    {
        QByteArray all;
        char buffer[4096];
        ssize_t n;
        while ((n = ::read(watched, buffer, sizeof buffer)) > 0)
            all.append(buffer, n);
        return all;
    }
};

class CountingHandler : public QObject, public SocketWatchHandler
{
public:
    void socketReadable() override
    {
        ++readable;
        if (onReadable)
            onReadable();
    }
    void socketWritable() override
    {
        ++writable;
        if (onWritable)
            onWritable();
    }
    int readable = 0;
    int writable = 0;
    std::function<void()> onReadable;
    std::function<void()> onWritable;
};

void spin(int ms)
{
    QElapsedTimer clock;
    clock.start();
    while (clock.elapsed() < ms)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
}

} // namespace

class TestSocketWatch : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void readableWhenDataArrives();
    void levelTriggeredUntilRead();
    void nothingHeardWhileReadIsOff();
    void writableOnlyWhenWanted();
    void peerCloseWithNothingWantedStopsReporting();
    void handlerDeletesAnotherWatchInTheSameBatch();
    void stopKeepsDescriptorForAnotherWatcher();
    void manyIdleSocketsCostNothingPerTurn();
    void reactorLivesAndDiesWithItsThread();
};

void TestSocketWatch::initTestCase()
{
#ifdef Q_OS_LINUX
    QVERIFY(EpollReactor::forCurrentThread() != nullptr);
#else
    QSKIP("epoll is Linux only; SocketWatch uses QSocketNotifier here");
#endif
}

void TestSocketWatch::readableWhenDataArrives()
{
    SocketPair pair;
    QVERIFY(pair.valid());
    CountingHandler handler;
    SocketWatch watch(pair.watched, &handler, &handler);
    watch.setReadEnabled(true);
    spin(30);
    QCOMPARE(handler.readable, 0);
    handler.onReadable = [&] {
        pair.drain();
    };
    pair.send("hello");
    QTRY_COMPARE_WITH_TIMEOUT(handler.readable, 1, 2000);
    spin(30);
    QCOMPARE(handler.readable, 1); // drained: no more
    QCOMPARE(handler.writable, 0);
}

void TestSocketWatch::levelTriggeredUntilRead()
{
    SocketPair pair;
    QVERIFY(pair.valid());
    CountingHandler handler;
    SocketWatch watch(pair.watched, &handler, &handler);
    watch.setReadEnabled(true);
    pair.send("x");
    // Not read: reported again on every turn, as QSocketNotifier does.
    QTRY_VERIFY_WITH_TIMEOUT(handler.readable >= 3, 2000);
    pair.drain();
    spin(20);
    const int settled = handler.readable;
    spin(30);
    QCOMPARE(handler.readable, settled);
}

void TestSocketWatch::nothingHeardWhileReadIsOff()
{
    SocketPair pair;
    QVERIFY(pair.valid());
    CountingHandler handler;
    handler.onReadable = [&] {
        pair.drain();
    };
    SocketWatch watch(pair.watched, &handler, &handler);
    watch.setReadEnabled(true);
    watch.setReadEnabled(false); // off again before anything came
    pair.send("held back");
    spin(50);
    QCOMPARE(handler.readable, 0);
    // The bytes waited in the kernel; switching reading on hears them.
    watch.setReadEnabled(true);
    QTRY_COMPARE_WITH_TIMEOUT(handler.readable, 1, 2000);
    // Off and on around a request, the pattern of the HTTP side, loses nothing.
    watch.setReadEnabled(false);
    watch.setReadEnabled(true);
    pair.send("next");
    QTRY_COMPARE_WITH_TIMEOUT(handler.readable, 2, 2000);
}

void TestSocketWatch::writableOnlyWhenWanted()
{
    SocketPair pair;
    QVERIFY(pair.valid());
    CountingHandler handler;
    SocketWatch watch(pair.watched, &handler, &handler);
    spin(30);
    QCOMPARE(handler.writable, 0);
    handler.onWritable = [&] {
        watch.setWriteEnabled(false);
    };
    watch.setWriteEnabled(true);
    QTRY_COMPARE_WITH_TIMEOUT(handler.writable, 1, 2000);
    spin(30);
    QCOMPARE(handler.writable, 1);
    QCOMPARE(handler.readable, 0);
}

void TestSocketWatch::peerCloseWithNothingWantedStopsReporting()
{
    SocketPair pair;
    QVERIFY(pair.valid());
    EpollReactor* reactor = EpollReactor::forCurrentThread();
    const int before = reactor->registeredCount();
    CountingHandler handler;
    SocketWatch watch(pair.watched, &handler, &handler);
    watch.setReadEnabled(true);
    QCOMPARE(reactor->registeredCount(), before + 1);
    watch.setReadEnabled(false);
    ::close(pair.peer);
    pair.peer = -1;
    // The hang-up is reported whatever the interest; once with nobody
    // wanting it, the socket leaves the set instead of waking every turn.
    QTRY_COMPARE_WITH_TIMEOUT(reactor->registeredCount(), before, 2000);
    QCOMPARE(handler.readable, 0);
    watch.setReadEnabled(true);
    QCOMPARE(reactor->registeredCount(), before + 1);
    QTRY_VERIFY_WITH_TIMEOUT(handler.readable >= 1, 2000);
}

void TestSocketWatch::handlerDeletesAnotherWatchInTheSameBatch()
{
    SocketPair first;
    SocketPair second;
    QVERIFY(first.valid() && second.valid());
    CountingHandler firstHandler;
    CountingHandler secondHandler;
    auto firstWatch = std::make_unique<SocketWatch>(first.watched, &firstHandler, &firstHandler);
    auto secondWatch =
        std::make_unique<SocketWatch>(second.watched, &secondHandler, &secondHandler);
    // Whichever is told first deletes the other: its event, fetched in the
    // same batch, must then be dropped (ASan catches a use after free).
    firstHandler.onReadable = [&] {
        first.drain();
        secondWatch.reset();
    };
    secondHandler.onReadable = [&] {
        second.drain();
        firstWatch.reset();
    };
    firstWatch->setReadEnabled(true);
    secondWatch->setReadEnabled(true);
    first.send("a");
    second.send("b");
    QTRY_VERIFY_WITH_TIMEOUT(!firstWatch || !secondWatch, 2000);
    spin(30);
    QCOMPARE(firstHandler.readable + secondHandler.readable, 1);
    // A watch may also delete itself.
    SocketPair third;
    CountingHandler thirdHandler;
    auto thirdWatch = std::make_unique<SocketWatch>(third.watched, &thirdHandler, &thirdHandler);
    thirdHandler.onReadable = [&] {
        thirdWatch.reset();
    };
    thirdWatch->setReadEnabled(true);
    thirdWatch->setWriteEnabled(true);
    third.send("c");
    QTRY_VERIFY_WITH_TIMEOUT(!thirdWatch, 2000);
    QCOMPARE(thirdHandler.writable, 0); // gone before its write half was told
}

void TestSocketWatch::stopKeepsDescriptorForAnotherWatcher()
{
    // TLS takes a plain socket over: the watch lets go, the descriptor stays
    // open, and another notifier must hear it while this one stays quiet.
    SocketPair pair;
    QVERIFY(pair.valid());
    CountingHandler handler;
    SocketWatch watch(pair.watched, &handler, &handler);
    watch.setReadEnabled(true);
    watch.stop(true);
    QSocketNotifier notifier(qintptr(pair.watched), QSocketNotifier::Read);
    int heard = 0;
    connect(&notifier, &QSocketNotifier::activated, this, [&] {
        ++heard;
        pair.drain();
    });
    pair.send("tls");
    QTRY_COMPARE_WITH_TIMEOUT(heard, 1, 2000);
    spin(30);
    QCOMPARE(handler.readable, 0);
}

void TestSocketWatch::manyIdleSocketsCostNothingPerTurn()
{
    // 2,000 idle sockets registered with reading on: a busy one next to them
    // is still served, and the idle ones are never told anything.
    constexpr int kIdle = 2000;
    std::vector<std::unique_ptr<SocketPair>> idlePairs;
    std::vector<std::unique_ptr<SocketWatch>> idleWatches;
    CountingHandler idleHandler;
    for (int i = 0; i < kIdle; ++i) {
        idlePairs.push_back(std::make_unique<SocketPair>());
        if (!idlePairs.back()->valid())
            QSKIP("not enough descriptors for 2,000 socket pairs");
        idleWatches.push_back(
            std::make_unique<SocketWatch>(idlePairs.back()->watched, &idleHandler, &idleHandler));
        idleWatches.back()->setReadEnabled(true);
    }
    SocketPair busy;
    CountingHandler busyHandler;
    busyHandler.onReadable = [&] {
        busy.drain();
    };
    SocketWatch busyWatch(busy.watched, &busyHandler, &busyHandler);
    busyWatch.setReadEnabled(true);
    for (int i = 1; i <= 200; ++i) {
        busy.send("ping");
        QTRY_COMPARE_WITH_TIMEOUT(busyHandler.readable, i, 2000);
    }
    QCOMPARE(idleHandler.readable, 0);
    QCOMPARE(idleHandler.writable, 0);
}

void TestSocketWatch::reactorLivesAndDiesWithItsThread()
{
    SocketPair pair;
    QVERIFY(pair.valid());
    EpollReactor* mainReactor = EpollReactor::forCurrentThread();
    QThread thread;
    std::atomic<bool> ownReactor{false};
    std::atomic<int> heard{0};
    std::atomic<bool> deletedAfterReactor{false};
    std::atomic<QObject*> owner{nullptr};
    // Made and used in the thread; the watch's owner is deleted only after
    // the thread finished (a deferred delete), when the reactor is gone: the
    // watch must not touch it then (ASan), and the reactor must not leak (LSan).
    connect(
        &thread, &QThread::started, &thread,
        [&] {
            EpollReactor* reactor = EpollReactor::forCurrentThread();
            ownReactor = reactor != nullptr && reactor != mainReactor;
            auto* object = new QObject;
            auto* handler = new CountingHandler;
            handler->setParent(object);
            handler->onReadable = [&] {
                ++heard;
                pair.drain();
            };
            auto* watch = new SocketWatch(pair.watched, handler, object);
            connect(object, &QObject::destroyed, [watch, &deletedAfterReactor] {
                deletedAfterReactor = EpollReactor::existing() == nullptr;
                delete watch;
            });
            watch->setReadEnabled(true);
            owner = object;
        },
        Qt::DirectConnection);
    connect(
        &thread, &QThread::finished, &thread, [&] { owner.load()->deleteLater(); },
        Qt::DirectConnection);
    thread.start();
    QTRY_VERIFY_WITH_TIMEOUT(owner.load() != nullptr, 2000);
    pair.send("thread");
    QTRY_COMPARE_WITH_TIMEOUT(heard.load(), 1, 2000);
    thread.quit();
    QVERIFY(thread.wait(5000));
    QVERIFY(ownReactor);
    QVERIFY(deletedAfterReactor);
    QCOMPARE(EpollReactor::existing(), mainReactor); // the main thread's is untouched
}

QTEST_GUILESS_MAIN(TestSocketWatch)
#include "tst_socketwatch.moc"
