#include "HeadlessRunner.h"

#include "Console.h"
#include "HarRecorder.h"

#include <QFileInfo>
#include <cstdio>

#ifdef Q_OS_UNIX
#include <sys/stat.h>
#endif

namespace Switchyard {

namespace {

// How long a stop may take before the process gives up on the engine.
constexpr int stopDeadlineMs = 10'000;

// Whether the log file is the null device (--log /dev/null): its lines would be
// formatted for nothing, once per exchange.
bool isNullDevice(const QFile& file)
{
#ifdef Q_OS_UNIX
    struct stat opened = {};
    struct stat null = {};
    if (file.handle() < 0 || ::fstat(file.handle(), &opened) != 0 ||
        ::stat("/dev/null", &null) != 0)
        return false;
    return S_ISCHR(opened.st_mode) && S_ISCHR(null.st_mode) && opened.st_rdev == null.st_rdev;
#else
    return file.fileName().compare(QStringLiteral("NUL"), Qt::CaseInsensitive) == 0;
#endif
}

QString endpointText(const QHostAddress& address, quint16 port)
{
    if (address.protocol() == QAbstractSocket::IPv6Protocol)
        return QStringLiteral("[%1]:%2").arg(address.toString()).arg(port);
    return QStringLiteral("%1:%2").arg(address.toString()).arg(port);
}

} // namespace

HeadlessRunner::HeadlessRunner(Engine* engine, QObject* parent) : QObject(parent), m_engine(engine)
{
    connect(m_engine, &Engine::stateChanged, this, &HeadlessRunner::onStateChanged);
    connect(m_engine, &Engine::eventsReady, this, &HeadlessRunner::onEventsReady);
    m_stopDeadline.setSingleShot(true);
    m_stopDeadline.setInterval(stopDeadlineMs);
    connect(&m_stopDeadline, &QTimer::timeout, this, [this] {
        Console::printError(
            tr("the proxy did not stop within %1 seconds").arg(stopDeadlineMs / 1000));
        finish(1);
    });
}

bool HeadlessRunner::start(const EngineSettings& settings, const QString& logPath)
{
    m_listenText = endpointText(settings.listenAddress, settings.listenPort);
    bool opened = false;
    if (logPath.isEmpty()) {
        opened = m_log.open(stderr, QIODevice::WriteOnly, QFileDevice::DontCloseHandle);
    } else {
        m_log.setFileName(logPath);
        // Append to a file; a device or a pipe (/dev/null, a FIFO) cannot seek
        // to its end, and Qt would warn on every start.
        const QFileInfo info(logPath);
        const bool appendable = !info.exists() || info.isFile();
        opened = m_log.open(appendable ? QIODevice::WriteOnly | QIODevice::Append
                                       : QIODevice::WriteOnly);
    }
    if (!opened) {
        Console::printError(
            tr("cannot open the log file %1: %2").arg(logPath, m_log.errorString()));
        return false;
    }
    m_logDiscarded = isNullDevice(m_log);
    if (!m_harPath.isEmpty()) {
        // Found out now, not after an hour of traffic.
        const QString error = m_har.open(m_harPath);
        if (!error.isEmpty()) {
            Console::printError(error);
            return false;
        }
    }
    m_engine->start(settings);
    return true;
}

void HeadlessRunner::setHarFile(const QString& path, bool maskSecrets)
{
    m_harPath = path;
    m_har.setMaskSensitiveHeaders(maskSecrets);
}

void HeadlessRunner::stop()
{
    if (m_finished)
        return;
    if (m_stopRequested) {
        finish(1); // asked twice: the user does not want to wait
        return;
    }
    m_stopRequested = true;
    m_stopDeadline.start();
    m_engine->stop();
}

void HeadlessRunner::onStateChanged(Engine::State state, const QString& error)
{
    switch (state) {
    case Engine::State::Running:
        if (!m_listening) {
            m_listening = true;
            Console::printStatus(
                QStringLiteral("Switchyard listening on %1")
                    .arg(endpointText(m_engine->boundAddress(), m_engine->boundPort())));
            Q_EMIT listening(m_engine->boundAddress(), m_engine->boundPort());
        }
        break;
    case Engine::State::Failed:
        if (m_listening) {
            Console::printError(error);
        } else {
            Console::printError(tr("cannot listen on %1: %2").arg(m_listenText, error));
        }
        finish(1);
        break;
    case Engine::State::Stopped:
        if (!m_stopRequested) {
            Console::printError(tr("the proxy stopped unexpectedly"));
        }
        finish(m_stopRequested ? 0 : 1);
        break;
    case Engine::State::Starting:
    case Engine::State::Stopping:
        break;
    }
}

void HeadlessRunner::onEventsReady(const LogEventBatch& events)
{
    if (m_har.isOpen()) {
        for (const LogEvent& event : events) {
            if (event.phase == LogPhase::Finished)
                m_har.add(event);
        }
    }
    if (m_logFailed || m_logDiscarded)
        return;
    QByteArray lines;
    for (const LogEvent& event : events) {
        if (event.phase == LogPhase::Finished)
            lines += formatLogLine(event).toUtf8() + '\n';
    }
    if (lines.isEmpty())
        return;
    if (m_log.write(lines) != lines.size() || !m_log.flush()) {
        // Keep proxying: a full disk should not cut the user's connections.
        m_logFailed = true;
        Console::printError(tr("cannot write the log, logging stops: %1").arg(m_log.errorString()));
    }
}

void HeadlessRunner::finish(int exitCode)
{
    if (m_finished)
        return;
    m_finished = true;
    m_stopDeadline.stop();
    m_log.flush();
    // A run that never listened has no traffic to record.
    if (m_har.isOpen()) {
        if (!m_listening)
            m_har.discard();
        else if (!writeHar())
            exitCode = 1;
    }
    Q_EMIT finished(exitCode);
}

bool HeadlessRunner::writeHar()
{
    const QString error = m_har.commit();
    if (!error.isEmpty()) {
        Console::printError(error);
        return false;
    }
    Console::printStatus(
        tr("Switchyard wrote %n exchanges to %1", nullptr, int(m_har.count())).arg(m_harPath));
    return true;
}

} // namespace Switchyard
