// EngineEventDispatcher, the engine thread's event loop, in a real thread:
// Qt's timers (never early, in deadline order, killed and started from
// handlers, moved between threads), QSocketNotifiers on real sockets and on a
// regular file, posted events from other threads, Qt's own sockets, an idle
// loop that sleeps, and quit().

#include "EngineEventDispatcher.h"
#include "EpollReactor.h"

#include <QElapsedTimer>
#include <QPointer>
#include <QRandomGenerator>
#include <QSocketNotifier>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryFile>
#include <QTest>
#include <QThread>
#include <QTimer>
#include <atomic>
#include <functional>
#include <memory>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

using namespace Switchyard;

namespace {

/// A thread run by EngineEventDispatcher, and a way to run code in it.
class DispatcherThread
{
public:
    DispatcherThread()
    {
        m_dispatcher = EngineEventDispatcher::create();
        if (m_dispatcher)
            m_thread.setEventDispatcher(m_dispatcher);
        m_thread.start();
        m_context = new QObject;
        m_context->moveToThread(&m_thread);
    }
    ~DispatcherThread()
    {
        QObject* context = m_context;
        QMetaObject::invokeMethod(
            context, [context] { delete context; }, Qt::BlockingQueuedConnection);
        m_thread.quit();
        m_thread.wait(5000);
    }
    bool valid() const { return m_dispatcher != nullptr; }
    QThread* thread() { return &m_thread; }
    EngineEventDispatcher* dispatcher() const { return m_dispatcher; }
    /// Runs work in the thread and waits for it to return.
    void run(const std::function<void()>& work)
    {
        QMetaObject::invokeMethod(m_context, work, Qt::BlockingQueuedConnection);
    }
    /// Runs work in the thread without waiting.
    void post(const std::function<void()>& work)
    {
        QMetaObject::invokeMethod(m_context, work, Qt::QueuedConnection);
    }

private:
    QThread m_thread;
    EngineEventDispatcher* m_dispatcher = nullptr; // owned by m_thread
    QObject* m_context = nullptr;                  // lives in m_thread
};

qint64 threadCpuNs()
{
    timespec now{};
    ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
    return qint64(now.tv_sec) * 1000000000 + now.tv_nsec;
}

struct SocketPair
{
    int fds[2] = {-1, -1};
    SocketPair() { ::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds); }
    ~SocketPair()
    {
        for (int fd : fds)
            if (fd >= 0)
                ::close(fd);
    }
    SocketPair(const SocketPair&) = delete;
    SocketPair& operator=(const SocketPair&) = delete;
    void closePeer()
    {
        ::close(fds[1]);
        fds[1] = -1;
    }
};

} // namespace

class TestEngineEventDispatcher : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void ownsTheThreadsReactor();
    void singleShotFiresOnceAndNeverEarly();
    void repeatingTimerKeepsItsPeriod();
    void timersFireInDeadlineOrder();
    void manyTimersAllFireOnTime();
    void handlersKillAndStartTimers();
    void zeroTimerDoesNotStarveTheRest();
    void remainingTimeAndRegisteredTimers();
    void timerMovesInAndOutOfTheThread();
    void socketNotifiersFollowQtsRules();
    void notifierOnRegularFileFiresLikeQts();
    void postedEventsFromOtherThreadsWakeTheLoop();
    void idleLoopSleeps();
    void qtSocketsWork();
    void deleteLaterAndQuit();
};

void TestEngineEventDispatcher::initTestCase()
{
#ifndef Q_OS_LINUX
    QSKIP("epoll is Linux only: the engine thread keeps Qt's dispatcher here");
#endif
    QVERIFY(qEnvironmentVariableIsEmpty("SWITCHYARD_QT_EVENT_DISPATCHER"));
}

void TestEngineEventDispatcher::ownsTheThreadsReactor()
{
    DispatcherThread worker;
    QVERIFY(worker.valid());
    bool installed = false;
    bool shared = false;
    worker.run([&] {
        installed = QAbstractEventDispatcher::instance() == worker.dispatcher();
        shared = EpollReactor::forCurrentThread() == worker.dispatcher()->reactor();
    });
    QVERIFY(installed);
    QVERIFY(shared);
}

void TestEngineEventDispatcher::singleShotFiresOnceAndNeverEarly()
{
    DispatcherThread worker;
    QVERIFY(worker.valid());
    for (const auto type : {Qt::PreciseTimer, Qt::CoarseTimer}) {
        std::atomic<int> fired{0};
        std::atomic<qint64> afterMs{-1};
        worker.run([&] {
            auto clock = std::make_shared<QElapsedTimer>();
            clock->start();
            QTimer::singleShot(60, type, QAbstractEventDispatcher::instance(), [&, clock] {
                afterMs = clock->elapsed();
                ++fired;
            });
        });
        QTRY_COMPARE_WITH_TIMEOUT(fired.load(), 1, 3000);
        QTest::qWait(150);
        QCOMPARE(fired.load(), 1);
        QVERIFY2(afterMs >= 60, qPrintable(QString::number(afterMs)));
        QVERIFY2(afterMs < 60 + 500, qPrintable(QString::number(afterMs)));
    }
}

void TestEngineEventDispatcher::repeatingTimerKeepsItsPeriod()
{
    DispatcherThread worker;
    QVERIFY(worker.valid());
    std::atomic<int> ticks{0};
    std::atomic<int> early{0};
    QTimer* timer = nullptr;
    worker.run([&] {
        timer = new QTimer;
        timer->setTimerType(Qt::PreciseTimer);
        timer->setInterval(20);
        auto clock = std::make_shared<QElapsedTimer>();
        clock->start();
        QObject::connect(timer, &QTimer::timeout, timer, [&, clock] {
            // Deadlines are start + k periods (missed ones skipped, never
            // fired late in a burst), so tick k never comes before k periods.
            if (clock->elapsed() < (ticks + 1) * 20)
                ++early;
            ++ticks;
        });
        timer->start();
    });
    QTest::qWait(400);
    worker.run([&] { delete timer; });
    // 20 per 400 ms at most; a loaded machine (sanitizers, parallel tests)
    // may skip many, never add any.
    QVERIFY2(ticks >= 5 && ticks <= 20, qPrintable(QString::number(ticks)));
    QCOMPARE(early.load(), 0);
}

void TestEngineEventDispatcher::timersFireInDeadlineOrder()
{
    DispatcherThread worker;
    QVERIFY(worker.valid());
    QList<int> order;
    std::atomic<int> fired{0};
    worker.run([&] {
        for (const int ms : {80, 20, 60, 40, 0}) {
            QTimer::singleShot(ms, Qt::PreciseTimer, QAbstractEventDispatcher::instance(), [&, ms] {
                order.append(ms);
                ++fired;
            });
        }
    });
    QTRY_COMPARE_WITH_TIMEOUT(fired.load(), 5, 3000);
    QCOMPARE(order, (QList<int>{0, 20, 40, 60, 80}));
}

void TestEngineEventDispatcher::manyTimersAllFireOnTime()
{
    DispatcherThread worker;
    QVERIFY(worker.valid());
    constexpr int kTimers = 3000;
    std::atomic<int> fired{0};
    std::atomic<int> early{0};
    worker.run([&] {
        auto clock = std::make_shared<QElapsedTimer>();
        clock->start();
        for (int i = 0; i < kTimers; ++i) {
            const int ms = int(QRandomGenerator::global()->bounded(1, 300));
            auto* timer = new QTimer(QAbstractEventDispatcher::instance());
            timer->setSingleShot(true);
            timer->setTimerType(i % 2 ? Qt::PreciseTimer : Qt::CoarseTimer);
            QObject::connect(timer, &QTimer::timeout, timer, [&, clock, ms, timer] {
                if (clock->elapsed() < ms)
                    ++early;
                ++fired;
                timer->deleteLater();
            });
            timer->start(ms);
        }
    });
    QTRY_COMPARE_WITH_TIMEOUT(fired.load(), kTimers, 10000);
    QCOMPARE(early.load(), 0);
}

void TestEngineEventDispatcher::handlersKillAndStartTimers()
{
    DispatcherThread worker;
    QVERIFY(worker.valid());
    std::atomic<int> killedFired{0};
    std::atomic<int> startedFired{0};
    std::atomic<int> killerFired{0};
    worker.run([&] {
        QObject* parent = QAbstractEventDispatcher::instance();
        auto* killer = new QTimer(parent);
        auto* victim = new QTimer(parent);
        killer->setSingleShot(true);
        victim->setSingleShot(true);
        // Both are due in the same turn; the first one's handler stops the
        // second one and starts a zero timer.
        QObject::connect(killer, &QTimer::timeout, killer, [&, victim, parent] {
            ++killerFired;
            victim->stop();
            QTimer::singleShot(0, parent, [&] { ++startedFired; });
        });
        QObject::connect(victim, &QTimer::timeout, victim, [&] { ++killedFired; });
        killer->start(30);
        victim->start(30);
        QThread::msleep(40); // both overdue when the loop next looks
    });
    QTRY_COMPARE_WITH_TIMEOUT(startedFired.load(), 1, 3000);
    QTest::qWait(100);
    QCOMPARE(killerFired.load(), 1);
    QCOMPARE(killedFired.load(), 0);

    // A timer that kills itself in its own handler, and one that deletes its
    // owner there.
    std::atomic<int> selfKills{0};
    std::atomic<bool> ownerGone{false};
    worker.run([&] {
        auto* timer = new QTimer(QAbstractEventDispatcher::instance());
        QObject::connect(timer, &QTimer::timeout, timer, [&, timer] {
            ++selfKills;
            timer->stop();
        });
        timer->start(5);
        auto* owner = new QObject;
        auto* owned = new QTimer(owner);
        QObject::connect(owned, &QTimer::timeout, owner, [&, owner] {
            delete owner;
            ownerGone = true;
        });
        owned->start(5);
    });
    QTRY_VERIFY_WITH_TIMEOUT(ownerGone.load(), 3000);
    QTest::qWait(60);
    QCOMPARE(selfKills.load(), 1);
}

void TestEngineEventDispatcher::zeroTimerDoesNotStarveTheRest()
{
    DispatcherThread worker;
    QVERIFY(worker.valid());
    SocketPair pair;
    QVERIFY(pair.fds[0] >= 0);
    std::atomic<int> spins{0};
    std::atomic<int> socketHeard{0};
    std::atomic<int> timerHeard{0};
    QTimer* busy = nullptr;
    QSocketNotifier* notifier = nullptr;
    worker.run([&] {
        busy = new QTimer;
        QObject::connect(busy, &QTimer::timeout, busy, [&] { ++spins; });
        busy->start(0);
        notifier = new QSocketNotifier(qintptr(pair.fds[0]), QSocketNotifier::Read);
        QObject::connect(notifier, &QSocketNotifier::activated, notifier, [&] {
            char buffer[16];
            [[maybe_unused]] const ssize_t n = ::read(pair.fds[0], buffer, sizeof buffer);
            ++socketHeard;
        });
        QTimer::singleShot(30, QAbstractEventDispatcher::instance(), [&] { ++timerHeard; });
    });
    QVERIFY(::write(pair.fds[1], "x", 1) == 1);
    std::atomic<int> posted{0};
    worker.post([&] { ++posted; });
    QTRY_COMPARE_WITH_TIMEOUT(socketHeard.load(), 1, 3000);
    QTRY_COMPARE_WITH_TIMEOUT(timerHeard.load(), 1, 3000);
    QTRY_COMPARE_WITH_TIMEOUT(posted.load(), 1, 3000);
    QVERIFY(spins > 10);
    worker.run([&] {
        delete busy;
        delete notifier;
    });
}

void TestEngineEventDispatcher::remainingTimeAndRegisteredTimers()
{
    DispatcherThread worker;
    QVERIFY(worker.valid());
    int remaining = -2;
    int remainingAfterStop = -2;
    QList<QAbstractEventDispatcher::TimerInfo> listed;
    QList<QAbstractEventDispatcher::TimerInfo> listedAfterStop;
    int timerId = 0;
    worker.run([&] {
        QTimer timer;
        timer.setTimerType(Qt::PreciseTimer);
        timer.start(1000);
        timerId = timer.timerId();
        QThread::msleep(100);
        remaining = timer.remainingTime();
        listed = QAbstractEventDispatcher::instance()->registeredTimers(&timer);
        timer.stop();
        remainingAfterStop = QAbstractEventDispatcher::instance()->remainingTime(timerId);
        listedAfterStop = QAbstractEventDispatcher::instance()->registeredTimers(&timer);
    });
    QVERIFY2(remaining > 800 && remaining <= 900, qPrintable(QString::number(remaining)));
    QCOMPARE(listed.size(), 1);
    QCOMPARE(listed.first().timerId, timerId);
    QCOMPARE(listed.first().interval, 1000);
    QCOMPARE(listed.first().timerType, Qt::PreciseTimer);
    QCOMPARE(remainingAfterStop, -1);
    QVERIFY(listedAfterStop.isEmpty());
}

void TestEngineEventDispatcher::timerMovesInAndOutOfTheThread()
{
    DispatcherThread worker;
    QVERIFY(worker.valid());
    // Qt moves a running timer's registration from one dispatcher to the other.
    auto* timer = new QTimer;
    std::atomic<QThread*> firedIn{nullptr};
    std::atomic<int> ticks{0};
    connect(timer, &QTimer::timeout, timer, [&] {
        firedIn = QThread::currentThread();
        ++ticks;
    });
    timer->start(10);
    timer->moveToThread(worker.thread());
    QTRY_VERIFY_WITH_TIMEOUT(ticks >= 3, 3000);
    QCOMPARE(firedIn.load(), worker.thread());
    worker.run([&] { timer->moveToThread(QCoreApplication::instance()->thread()); });
    QTest::qWait(30);
    const int before = ticks;
    QTRY_VERIFY_WITH_TIMEOUT(ticks >= before + 3, 3000);
    QCOMPARE(firedIn.load(), QThread::currentThread());
    delete timer;
}

void TestEngineEventDispatcher::socketNotifiersFollowQtsRules()
{
    DispatcherThread worker;
    QVERIFY(worker.valid());
    SocketPair pair;
    QVERIFY(pair.fds[0] >= 0);
    std::atomic<int> reads{0};
    std::atomic<int> writes{0};
    QSocketNotifier* reader = nullptr;
    QSocketNotifier* writer = nullptr;
    worker.run([&] {
        reader = new QSocketNotifier(qintptr(pair.fds[0]), QSocketNotifier::Read);
        QObject::connect(reader, &QSocketNotifier::activated, reader, [&] {
            char buffer[64];
            [[maybe_unused]] const ssize_t n = ::read(pair.fds[0], buffer, sizeof buffer);
            ++reads;
        });
        writer = new QSocketNotifier(qintptr(pair.fds[0]), QSocketNotifier::Write);
        QObject::connect(writer, &QSocketNotifier::activated, writer, [&] {
            ++writes;
            writer->setEnabled(false); // as QAbstractSocket does once written
        });
    });
    QTRY_COMPARE_WITH_TIMEOUT(writes.load(), 1, 3000);
    QTest::qWait(50);
    QCOMPARE(writes.load(), 1); // off: not heard again
    QCOMPARE(reads.load(), 0);

    QVERIFY(::write(pair.fds[1], "a", 1) == 1);
    QTRY_COMPARE_WITH_TIMEOUT(reads.load(), 1, 3000);
    QTest::qWait(50);
    QCOMPARE(reads.load(), 1); // read: level-triggered, so quiet again

    worker.run([&] { reader->setEnabled(false); });
    QVERIFY(::write(pair.fds[1], "b", 1) == 1);
    QTest::qWait(50);
    QCOMPARE(reads.load(), 1);
    worker.run([&] { reader->setEnabled(true); }); // the byte waited
    QTRY_COMPARE_WITH_TIMEOUT(reads.load(), 2, 3000);

    worker.run([&] { writer->setEnabled(true); });
    QTRY_COMPARE_WITH_TIMEOUT(writes.load(), 2, 3000);

    // A hang-up wakes the read notifier, as with poll().
    pair.closePeer();
    QTRY_VERIFY_WITH_TIMEOUT(reads >= 3, 3000);
    worker.run([&] {
        delete reader;
        delete writer;
    });
    const int settled = reads;
    QTest::qWait(50);
    QCOMPARE(reads.load(), settled);
}

void TestEngineEventDispatcher::notifierOnRegularFileFiresLikeQts()
{
    DispatcherThread worker;
    QVERIFY(worker.valid());
    QTemporaryFile file;
    QVERIFY(file.open());
    std::atomic<int> fired{0};
    QSocketNotifier* notifier = nullptr;
    worker.run([&] {
        // epoll refuses regular files; poll() calls them ready at once.
        notifier = new QSocketNotifier(qintptr(file.handle()), QSocketNotifier::Read);
        QObject::connect(notifier, &QSocketNotifier::activated, notifier, [&] {
            if (++fired == 3)
                notifier->setEnabled(false);
        });
    });
    QTRY_COMPARE_WITH_TIMEOUT(fired.load(), 3, 3000);
    QTest::qWait(30);
    QCOMPARE(fired.load(), 3);
    worker.run([&] { delete notifier; });
}

void TestEngineEventDispatcher::postedEventsFromOtherThreadsWakeTheLoop()
{
    DispatcherThread worker;
    QVERIFY(worker.valid());
    constexpr int kCalls = 5000;
    std::atomic<int> delivered{0};
    QElapsedTimer clock;
    clock.start();
    for (int i = 0; i < kCalls; ++i)
        worker.post([&] { ++delivered; });
    QTRY_COMPARE_WITH_TIMEOUT(delivered.load(), kCalls, 5000);
    // One at a time, each sent while the loop sleeps: answered at once, not
    // at the next timer.
    for (int i = 0; i < 20; ++i) {
        QTest::qWait(5);
        QElapsedTimer one;
        one.start();
        std::atomic<bool> done{false};
        worker.post([&] { done = true; });
        QTRY_VERIFY_WITH_TIMEOUT(done.load(), 1000);
        QVERIFY2(one.elapsed() < 500, qPrintable(QString::number(one.elapsed())));
    }
}

void TestEngineEventDispatcher::idleLoopSleeps()
{
    DispatcherThread worker;
    QVERIFY(worker.valid());
    QTimer* slow = nullptr;
    qint64 cpuBefore = 0;
    worker.run([&] {
        slow = new QTimer;
        slow->start(100); // a far deadline to sleep towards
        cpuBefore = threadCpuNs();
    });
    QTest::qWait(500);
    qint64 cpuAfter = 0;
    worker.run([&] {
        cpuAfter = threadCpuNs();
        delete slow;
    });
    const qint64 usedMs = (cpuAfter - cpuBefore) / 1000000;
    QVERIFY2(usedMs < 50, qPrintable(QString::number(usedMs)));
}

void TestEngineEventDispatcher::qtSocketsWork()
{
    DispatcherThread worker;
    QVERIFY(worker.valid());
    std::atomic<bool> echoed{false};
    QByteArray received;
    std::unique_ptr<QTcpServer> server;
    std::unique_ptr<QTcpSocket> client;
    worker.run([&] {
        server = std::make_unique<QTcpServer>();
        QVERIFY(server->listen(QHostAddress::LocalHost, 0));
        QObject::connect(server.get(), &QTcpServer::newConnection, server.get(), [&] {
            QTcpSocket* peer = server->nextPendingConnection();
            QObject::connect(peer, &QTcpSocket::readyRead, peer,
                             [peer] { peer->write(peer->readAll().toUpper()); });
        });
        client = std::make_unique<QTcpSocket>();
        QObject::connect(client.get(), &QTcpSocket::connected, client.get(),
                         [&] { client->write(QByteArray(200000, 'a')); });
        QObject::connect(client.get(), &QTcpSocket::readyRead, client.get(), [&] {
            received += client->readAll();
            if (received.size() == 200000)
                echoed = true;
        });
        client->connectToHost(QHostAddress::LocalHost, server->serverPort());
    });
    QTRY_VERIFY_WITH_TIMEOUT(echoed.load(), 5000);
    QCOMPARE(received, QByteArray(200000, 'A'));
    worker.run([&] {
        client.reset();
        server.reset();
    });
}

void TestEngineEventDispatcher::deleteLaterAndQuit()
{
    auto worker = std::make_unique<DispatcherThread>();
    QVERIFY(worker->valid());
    QPointer<QObject> doomed;
    worker->run([&] {
        doomed = new QObject;
        doomed->deleteLater();
    });
    QTRY_VERIFY_WITH_TIMEOUT(doomed.isNull(), 3000);
    QElapsedTimer clock;
    clock.start();
    worker.reset(); // quit() and wait(5000)
    QVERIFY(clock.elapsed() < 3000);
}

QTEST_GUILESS_MAIN(TestEngineEventDispatcher)
#include "tst_engineeventdispatcher.moc"
