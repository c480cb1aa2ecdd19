// Benchmark, not a test: the real TrafficPage in a real window fed with
// synthetic engine batches, the way Engine::eventsReady delivers them (every
// 100 ms, queued from another thread), at 20,000 events/s for 30 s.
//
// A quarter of the exchanges are still running at a flush, so they come twice
// (Started, then Finished: updated in place); HTTP events carry five request
// and four response headers and a 512-byte body prefix, as with capture on.
// Meanwhile a scripted user scrolls up, selects a row, types a filter and
// clears it. It reports the UI thread's worst event-loop stall per phase (a
// 1 ms timer and the largest gap between its ticks), the time to add one batch,
// memory (VmRSS, VmHWM) with the table at its 100,000-entry cap, and the time
// to filter and sort 100,000 entries.
//
//   QT_QPA_PLATFORM=offscreen build/<preset>/tests/bench_trafficview
//   xvfb-run -a -s "-screen 0 1280x800x24" build/<preset>/tests/bench_trafficview
//
// Options: --seconds N (30), --rate N events/s (20000), --cap N (100000),
// --no-capture (events without headers and bodies, as with capture off),
// --sorted (the table sorted by duration, newest rows landing anywhere).
// The run is bounded: it stops after --seconds, and a watchdog ends the
// process if anything hangs for twice that plus a minute.

#include "TrafficFilterModel.h"
#include "TrafficModel.h"
#include "TrafficPage.h"
#include "TrafficView.h"

#include <QApplication>
#include <QDateTime>
#include <QElapsedTimer>
#include <QFile>
#include <QMainWindow>
#include <QRandomGenerator>
#include <QScrollBar>
#include <QThread>
#include <QTimer>
#include <algorithm>
#include <cstdio>
#include <cstdlib>

using namespace Switchyard;

namespace {

struct Options
{
    int seconds = 30;
    int rate = 20'000;
    int cap = TrafficModel::defaultMaxEntries;
    bool capture = true;
    bool sorted = false;
};

/// Builds the engine's batches in a thread of its own, as the engine does.
class BatchSource : public QObject
{
    Q_OBJECT
public:
    BatchSource(int eventsPerBatch, bool capture)
        : m_eventsPerBatch(eventsPerBatch), m_capture(capture)
    {}

    void start()
    {
        m_timer = new QTimer(this);
        m_timer->setTimerType(Qt::PreciseTimer);
        m_timer->setInterval(100);
        connect(m_timer, &QTimer::timeout, this, &BatchSource::produce);
        m_timer->start();
    }
    void stop()
    {
        if (m_timer)
            m_timer->stop();
    }

Q_SIGNALS:
    void batchReady(const Switchyard::LogEventBatch& batch);

private:
    void produce()
    {
        LogEventBatch batch;
        batch.reserve(m_eventsPerBatch);
        // Exchanges reported as Started last time finish now (update in place).
        for (LogEvent& running : m_running) {
            finish(&running);
            batch.append(std::move(running));
        }
        m_running.clear();
        QRandomGenerator* random = QRandomGenerator::global();
        while (batch.size() < m_eventsPerBatch) {
            LogEvent event = make(++m_nextId, random);
            // A quarter is still running at the flush: reported twice.
            if (random->bounded(4) == 0) {
                event.phase = LogPhase::Started;
                m_running.append(event);
            } else {
                finish(&event);
            }
            batch.append(std::move(event));
        }
        m_sent += quint64(batch.size());
        Q_EMIT batchReady(batch);
    }

    LogEvent make(quint64 id, QRandomGenerator* random) const
    {
        LogEvent e;
        e.id = id;
        e.phase = LogPhase::Started;
        e.startedAtMs = QDateTime::currentMSecsSinceEpoch();
        e.clientAddress = QStringLiteral("127.0.0.1:%1").arg(30000 + id % 30000);
        const int kind = random->bounded(100);
        e.host = QStringLiteral("api-%1.example-%2.test").arg(random->bounded(500)).arg(id % 7);
        if (kind < 85) {
            e.protocol = LogProtocol::Http;
            e.method = random->bounded(5) == 0 ? QByteArray("POST") : QByteArray("GET");
            e.port = 80;
            e.target = QStringLiteral("http://%1/v1/items/%2?page=%3")
                           .arg(e.host)
                           .arg(id)
                           .arg(random->bounded(50));
            e.httpVersion = "HTTP/1.1";
        } else {
            e.protocol = kind < 95 ? LogProtocol::Connect : LogProtocol::Socks5;
            e.method = e.protocol == LogProtocol::Connect ? QByteArray("CONNECT") : QByteArray();
            e.port = 443;
            e.target = e.host + QStringLiteral(":443");
        }
        const int route = random->bounded(10);
        e.route = route < 7   ? QStringLiteral("direct")
                  : route < 9 ? QStringLiteral("Office VPN")
                              : QStringLiteral("blocked");
        if (route >= 7)
            e.rule = QStringLiteral("domain example-%1.test").arg(id % 7);
        if (m_capture && e.protocol == LogProtocol::Http) {
            // Separate allocations per event, as the engine's parser makes them.
            e.requestHeaders = {
                {QByteArray("Host"), e.host.toLatin1()},
                {QByteArray("User-Agent"), QByteArray("Mozilla/5.0 (X11; Linux x86_64) bench")},
                {QByteArray("Accept"), QByteArray("application/json")},
                {QByteArray("Accept-Encoding"), QByteArray("gzip, deflate, br")},
                {QByteArray("Cookie"), QByteArray("sid=") + QByteArray::number(id)},
            };
        }
        return e;
    }

    void finish(LogEvent* e) const
    {
        QRandomGenerator* random = QRandomGenerator::global();
        e->phase = LogPhase::Finished;
        const int outcome = random->bounded(100);
        if (e->route == QLatin1String("blocked")) {
            e->status = e->protocol == LogProtocol::Http ? 403 : 0;
            e->error = QStringLiteral("blocked by a rule");
        } else if (outcome < 3) {
            e->status = 502;
            e->error = QStringLiteral("connection refused");
        } else if (e->protocol == LogProtocol::Http) {
            e->status = outcome < 10 ? 404 : outcome < 20 ? 304 : 200;
        } else {
            e->status = e->protocol == LogProtocol::Connect ? 200 : 0;
        }
        e->bytesUp = quint64(random->bounded(2000));
        e->bytesDown = quint64(random->bounded(200'000));
        e->durationUs = random->bounded(5'000, 2'000'000);
        e->connectUs = random->bounded(100, 5'000);
        e->firstByteUs = e->connectUs + random->bounded(100, 50'000);
        if (m_capture && e->protocol == LogProtocol::Http) {
            e->responseReason = "OK";
            e->responseHeaders = {
                {QByteArray("Content-Type"), QByteArray("application/json")},
                {QByteArray("Content-Length"), QByteArray::number(e->bytesDown)},
                {QByteArray("Date"), QByteArray("Mon, 01 Jan 2025 00:00:00 GMT")},
                {QByteArray("Cache-Control"), QByteArray("no-store")},
            };
            // The first 512 bytes of a JSON answer, one allocation per event.
            QByteArray body = "{\"id\":" + QByteArray::number(e->id) + ",\"data\":\"";
            body.append(QByteArray(480, 'x'));
            body.append("\"}");
            e->responseBody = body;
            e->responseBodyTruncated = true;
        }
    }

    int m_eventsPerBatch;
    bool m_capture;
    quint64 m_nextId = 0;
    quint64 m_sent = 0;
    QList<LogEvent> m_running;
    QTimer* m_timer = nullptr;
};

/// The largest gap between ticks of a 1 ms timer: how long the UI thread could
/// not get back to its event loop. Kept per phase of the run.
class StallMeter : public QObject
{
    Q_OBJECT
public:
    struct Phase
    {
        QString name;
        qint64 worstUs = 0;
        int ticks = 0;
        int over16 = 0;
        int over50 = 0;
    };

    StallMeter()
    {
        m_timer.setTimerType(Qt::PreciseTimer);
        m_timer.setInterval(1);
        connect(&m_timer, &QTimer::timeout, this, &StallMeter::tick);
    }
    void start(const QString& firstPhase)
    {
        m_phases = {Phase{firstPhase}};
        m_clock.start();
        m_last = 0;
        m_timer.start();
    }
    void beginPhase(const QString& name) { m_phases.append(Phase{name}); }
    void stop() { m_timer.stop(); }
    QList<Phase> phases() const { return m_phases; }

private:
    void tick()
    {
        const qint64 now = m_clock.nsecsElapsed() / 1000;
        const qint64 gap = now - m_last;
        m_last = now;
        Phase& phase = m_phases.last();
        phase.worstUs = std::max(phase.worstUs, gap);
        ++phase.ticks;
        phase.over16 += gap > 16'000 ? 1 : 0;
        phase.over50 += gap > 50'000 ? 1 : 0;
    }

    QTimer m_timer;
    QElapsedTimer m_clock;
    qint64 m_last = 0;
    QList<Phase> m_phases;
};

qint64 procStatusKb(const char* field)
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray& line : status.readAll().split('\n')) {
        if (line.startsWith(field))
            return line.mid(qstrlen(field)).trimmed().split(' ').value(0).toLongLong();
    }
    return -1;
}

Options parseOptions(const QStringList& arguments)
{
    Options options;
    for (qsizetype i = 1; i < arguments.size(); ++i) {
        const QString& argument = arguments.at(i);
        const auto next = [&] {
            return arguments.value(++i).toInt();
        };
        if (argument == QLatin1String("--seconds"))
            options.seconds = std::clamp(next(), 1, 600);
        else if (argument == QLatin1String("--rate"))
            options.rate = std::clamp(next(), 10, 1'000'000);
        else if (argument == QLatin1String("--cap"))
            options.cap = std::clamp(next(), 100, 10'000'000);
        else if (argument == QLatin1String("--no-capture"))
            options.capture = false;
        else if (argument == QLatin1String("--sorted"))
            options.sorted = true;
    }
    return options;
}

double ms(qint64 ns)
{
    return double(ns) / 1e6;
}

} // namespace

int main(int argc, char** argv)
{
    QApplication app(argc, argv);
    const Options options = parseOptions(app.arguments());

    // Bounded whatever happens.
    QTimer watchdog;
    watchdog.setSingleShot(true);
    QObject::connect(&watchdog, &QTimer::timeout, &app, [] {
        std::fprintf(stderr, "bench_trafficview: watchdog fired, giving up\n");
        std::_Exit(2);
    });
    watchdog.start((options.seconds * 2 + 60) * 1000);

    QMainWindow window;
    auto* page = new TrafficPage(&window);
    page->setMaxEntries(options.cap);
    window.setCentralWidget(page);
    window.resize(1280, 800);
    window.show();
    QElapsedTimer exposeWait;
    exposeWait.start();
    while (!window.isVisible() && exposeWait.elapsed() < 5000)
        QCoreApplication::processEvents();

    if (options.sorted)
        page->view()->sortByColumn(TrafficModel::DurationColumn, Qt::DescendingOrder);
    const qint64 baselineRssKb = procStatusKb("VmRSS:");
    std::printf("platform: %s, window %dx%d, %d events/s for %d s, cap %d, capture %s%s\n",
                qPrintable(QGuiApplication::platformName()), window.width(), window.height(),
                options.rate, options.seconds, options.cap, options.capture ? "on" : "off",
                options.sorted ? ", sorted by duration" : "");

    QThread producerThread;
    auto* source = new BatchSource(options.rate / 10, options.capture);
    source->moveToThread(&producerThread);
    QObject::connect(&producerThread, &QThread::finished, source, &QObject::deleteLater);

    // Time spent in addEvents, per batch (the model, the filter proxy and the view's
    // reaction to the signals; painting comes later in the event loop).
    qint64 worstBatchNs = 0;
    qint64 totalBatchNs = 0;
    int batches = 0;
    quint64 events = 0;
    QObject::connect(source, &BatchSource::batchReady, page, [&](const LogEventBatch& batch) {
        QElapsedTimer timer;
        timer.start();
        page->addEvents(batch);
        const qint64 elapsed = timer.nsecsElapsed();
        worstBatchNs = std::max(worstBatchNs, elapsed);
        totalBatchNs += elapsed;
        ++batches;
        events += quint64(batch.size());
    });

    StallMeter stalls;
    qint64 rssAtCapKb = -1;
    qint64 typedFilterNs = -1;
    QElapsedTimer runClock;

    // What a user does meanwhile: scroll up to read, select a row, type a filter.
    QTimer script;
    script.setInterval(100);
    int step = 0;
    QObject::connect(&script, &QTimer::timeout, &app, [&] {
        const qint64 elapsed = runClock.elapsed();
        const qint64 total = qint64(options.seconds) * 1000;
        if (step == 0 && page->model()->rowCount() >= options.cap) {
            rssAtCapKb = procStatusKb("VmRSS:");
            stalls.beginPhase(QStringLiteral("at the cap, following the tail"));
            ++step;
        } else if (step == 1 && elapsed >= total * 4 / 10) {
            stalls.beginPhase(QStringLiteral("scrolled up, reading"));
            QScrollBar* bar = page->view()->verticalScrollBar();
            bar->setValue(bar->maximum() / 2);
            ++step;
        } else if (step == 2 && elapsed >= total * 5 / 10) {
            stalls.beginPhase(QStringLiteral("a row selected"));
            page->view()->selectRow(page->view()->rowAt(10));
            ++step;
        } else if (step == 3 && elapsed >= total * 6 / 10) {
            stalls.beginPhase(
                QStringLiteral("filter \"api-1\" typed (the filtering itself included)"));
            page->view()->followTail();
            QElapsedTimer timer;
            timer.start();
            page->filterModel()->setText(QStringLiteral("api-1"));
            page->filterModel()->rowCount();
            typedFilterNs = timer.nsecsElapsed();
            ++step;
        } else if (step == 4 && elapsed >= total * 7 / 10) {
            stalls.beginPhase(QStringLiteral("filtered view, following the tail"));
            ++step;
        } else if (step == 5 && elapsed >= total * 8 / 10) {
            stalls.beginPhase(QStringLiteral("filter cleared, following the tail"));
            page->filterModel()->setText(QString());
            ++step;
        }
        if (elapsed >= total) {
            script.stop();
            QMetaObject::invokeMethod(source, &BatchSource::stop, Qt::BlockingQueuedConnection);
            app.quit();
        }
    });

    producerThread.start();
    QMetaObject::invokeMethod(source, &BatchSource::start, Qt::QueuedConnection);
    runClock.start();
    stalls.start(QStringLiteral("filling to the cap, following the tail"));
    script.start();
    app.exec();
    stalls.stop();
    producerThread.quit();
    producerThread.wait();

    const qint64 runMs = runClock.elapsed();
    std::printf("fed %llu events in %d batches over %.1f s (%.0f events/s); table holds %d rows, "
                "%llu dropped by the cap\n",
                static_cast<unsigned long long>(events), batches, double(runMs) / 1000.0,
                double(events) * 1000.0 / double(runMs), page->model()->rowCount(),
                static_cast<unsigned long long>(page->model()->droppedCount()));
    std::printf("addEvents per batch: mean %.2f ms, worst %.2f ms\n",
                batches ? ms(totalBatchNs) / batches : 0.0, ms(worstBatchNs));
    std::printf("worst event-loop stall (largest gap between ticks of a 1 ms timer):\n");
    for (const StallMeter::Phase& phase : stalls.phases())
        std::printf("  %-58s %6.1f ms  (gaps over 16 ms: %d, over 50 ms: %d)\n",
                    qPrintable(phase.name), double(phase.worstUs) / 1000.0, phase.over16,
                    phase.over50);
    std::printf("filtering %d entries as the filter was typed: %.1f ms\n", options.cap,
                ms(typedFilterNs));
    std::printf("memory: VmRSS %.1f MiB before, %.1f MiB at the cap; peak VmHWM %.1f MiB\n",
                double(baselineRssKb) / 1024.0, double(rssAtCapKb) / 1024.0,
                double(procStatusKb("VmHWM:")) / 1024.0);

    // Filtering and sorting the full table, then the view catching up.
    TrafficFilterModel* filter = page->filterModel();
    const auto timed = [&](const char* what, const auto& action) {
        QElapsedTimer timer;
        timer.start();
        action();
        filter->rowCount(); // the mapping is rebuilt by now
        const qint64 modelNs = timer.nsecsElapsed();
        QCoreApplication::processEvents(); // layout and paint
        const qint64 totalNs = timer.nsecsElapsed();
        std::printf("%s: %.1f ms (%.1f ms with the repaint), %d rows shown\n", what, ms(modelNs),
                    ms(totalNs), filter->rowCount());
    };
    std::printf("on %d entries:\n", page->model()->rowCount());
    timed("  filter text \"api-42.\"", [&] { filter->setText(QStringLiteral("api-42.")); });
    timed("  filter text \"example\" (matches all)",
          [&] { filter->setText(QStringLiteral("example")); });
    timed("  clear the text filter", [&] { filter->setText(QString()); });
    timed("  errors only", [&] { filter->setErrorsOnly(true); });
    timed("  errors off", [&] { filter->setErrorsOnly(false); });
    timed("  sort by duration",
          [&] { page->view()->sortByColumn(TrafficModel::DurationColumn, Qt::DescendingOrder); });
    timed("  back to arrival order", [&] { page->view()->sortByColumn(-1, Qt::AscendingOrder); });
    return 0;
}

#include "bench_trafficview.moc"
