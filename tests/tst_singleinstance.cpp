// SingleInstanceGuard across real processes: this test binary re-runs itself as
// the other instance ("--child ROLE ..."), so the first and second launch are
// separate processes talking over a real local socket, as they are in use.
#include "SingleInstanceGuard.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QLocalServer>
#include <QLocalSocket>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <cstdio>
#include <cstring>
#include <memory>
#include <vector>

using Switchyard::SingleInstanceGuard;

namespace {

constexpr int processTimeoutMs = 15'000;
// The child's own limit for waiting to be asked (so it can never outlive the test).
constexpr int childWaitMs = 10'000;

// Child mode: claim, print the role on one line, and as primary wait for one
// activation. Exit 0 on the expected outcome, 1 otherwise.
int runChild(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    if (args.size() != 5)
        return 2;
    const QString expected = args.at(2);
    SingleInstanceGuard guard(args.at(3), nullptr, args.at(4));
    const SingleInstanceGuard::Role role = guard.claim();
    auto say = [](const char* text) {
        std::fputs(text, stdout);
        std::fputc('\n', stdout);
        std::fflush(stdout);
    };
    switch (role) {
    case SingleInstanceGuard::Role::Secondary:
        say("secondary");
        return expected == QLatin1StringView("secondary") ? 0 : 1;
    case SingleInstanceGuard::Role::NotAnswering:
    case SingleInstanceGuard::Role::Unguarded:
        say(qPrintable(QStringLiteral("failed: ") + guard.errorString()));
        return 1;
    case SingleInstanceGuard::Role::Primary:
        break;
    }
    say("primary");
    if (expected != QLatin1StringView("primary"))
        return 1;
    int exitCode = 3; // timed out
    QObject::connect(&guard, &SingleInstanceGuard::activationRequested, &app, [&] {
        say("activated");
        exitCode = 0;
        app.quit();
    });
    QTimer::singleShot(childWaitMs, &app, &QCoreApplication::quit);
    app.exec();
    return exitCode;
}

} // namespace

class TestSingleInstance : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void serverNameIsKeyedByUserAndFile();
    void firstLaunchIsPrimary();
    void secondLaunchRaisesTheFirst();
    void firstLaunchInAnotherProcessAnswers();
    void otherSettingsFileIsIndependent();
    void staleSocketOfKilledInstanceIsReplaced();
    void silentServerIsReportedNotWaitedOn();
    void badRequestGetsErrorAndNoActivation();
    void unusableRuntimeFolderRunsUnguarded();
    void idleConnectionIsClosed();

private:
    QProcess* startChild(const QString& role, const QString& settingsFile);
    QString settingsFile(const QString& name) const { return m_dir->filePath(name); }
    QString runtimeDir() const { return m_dir->filePath(QStringLiteral("run")); }

    std::unique_ptr<QTemporaryDir> m_dir;
    std::vector<std::unique_ptr<QProcess>> m_children;
};

void TestSingleInstance::init()
{
    // A fresh runtime folder per test: no socket is left from the one before.
    m_children.clear();
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    QVERIFY(QDir().mkpath(runtimeDir()));
    QVERIFY(QFile::setPermissions(runtimeDir(),
                                  QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner));
}

QProcess* TestSingleInstance::startChild(const QString& role, const QString& file)
{
    auto process = std::make_unique<QProcess>();
    process->start(QCoreApplication::applicationFilePath(),
                   {QStringLiteral("--child"), role, file, runtimeDir()});
    if (!process->waitForStarted(processTimeoutMs))
        return nullptr;
    m_children.push_back(std::move(process));
    return m_children.back().get();
}

void TestSingleInstance::serverNameIsKeyedByUserAndFile()
{
    const QString run = runtimeDir();
    const QString a = SingleInstanceGuard::serverNameFor(
        QStringLiteral("1000"), settingsFile(QStringLiteral("a.json")), run);
    QCOMPARE(SingleInstanceGuard::serverNameFor(QStringLiteral("1000"),
                                                settingsFile(QStringLiteral("a.json")), run),
             a);
    // Another spelling of the same file (through "..", or relative).
    QCOMPARE(SingleInstanceGuard::serverNameFor(QStringLiteral("1000"),
                                                runtimeDir() + QStringLiteral("/../a.json"), run),
             a);
    const QString previous = QDir::currentPath();
    QVERIFY(QDir::setCurrent(m_dir->path()));
    const QString relative =
        SingleInstanceGuard::serverNameFor(QStringLiteral("1000"), QStringLiteral("a.json"), run);
    QVERIFY(QDir::setCurrent(previous));
    QCOMPARE(relative, a);
    // Another file, another user.
    QVERIFY(SingleInstanceGuard::serverNameFor(QStringLiteral("1000"),
                                               settingsFile(QStringLiteral("b.json")), run) != a);
    QVERIFY(SingleInstanceGuard::serverNameFor(QStringLiteral("1001"),
                                               settingsFile(QStringLiteral("a.json")), run) != a);
    // A socket path in the runtime folder, short enough for sockaddr_un.
    QVERIFY(a.startsWith(run + QStringLiteral("/switchyard-1000-")));
    QVERIFY(a.size() <= 100);
    // A folder too deep for a socket path falls back to a plain name (in /tmp).
    const QString deep = QStringLiteral("/") + QString(120, u'd');
    const QString fallback = SingleInstanceGuard::serverNameFor(
        QStringLiteral("1000"), settingsFile(QStringLiteral("a.json")), deep);
    QVERIFY(!fallback.contains(u'/'));
    QVERIFY(fallback.startsWith(QStringLiteral("switchyard-1000-")));
}

void TestSingleInstance::firstLaunchIsPrimary()
{
    SingleInstanceGuard guard(settingsFile(QStringLiteral("s.json")), nullptr, runtimeDir());
    QCOMPARE(guard.claim(), SingleInstanceGuard::Role::Primary);
    QVERIFY(guard.errorString().isEmpty());
    QVERIFY(QFile::exists(guard.serverName()));
    // Only this user may connect.
    QCOMPARE(QFile::permissions(guard.serverName()) &
                 (QFile::ReadGroup | QFile::WriteGroup | QFile::ReadOther | QFile::WriteOther),
             QFile::Permissions());
}

void TestSingleInstance::secondLaunchRaisesTheFirst()
{
    SingleInstanceGuard guard(settingsFile(QStringLiteral("s.json")), nullptr, runtimeDir());
    QCOMPARE(guard.claim(), SingleInstanceGuard::Role::Primary);
    QSignalSpy activated(&guard, &SingleInstanceGuard::activationRequested);

    QProcess* second =
        startChild(QStringLiteral("secondary"), settingsFile(QStringLiteral("s.json")));
    QVERIFY(second);
    // This process must keep its event loop running to answer.
    QTRY_COMPARE_WITH_TIMEOUT(second->state(), QProcess::NotRunning, processTimeoutMs);
    QCOMPARE(second->readAllStandardOutput().trimmed(), QByteArray("secondary"));
    QCOMPARE(second->exitStatus(), QProcess::NormalExit);
    QCOMPARE(second->exitCode(), 0);
    QTRY_COMPARE(activated.size(), 1);

    // And again: the first instance keeps listening.
    QProcess* third =
        startChild(QStringLiteral("secondary"), settingsFile(QStringLiteral("s.json")));
    QVERIFY(third);
    QTRY_COMPARE_WITH_TIMEOUT(third->state(), QProcess::NotRunning, processTimeoutMs);
    QCOMPARE(third->exitCode(), 0);
    QTRY_COMPARE(activated.size(), 2);
}

void TestSingleInstance::firstLaunchInAnotherProcessAnswers()
{
    QProcess* first = startChild(QStringLiteral("primary"), settingsFile(QStringLiteral("s.json")));
    QVERIFY(first);
    QTRY_COMPARE_WITH_TIMEOUT(first->canReadLine(), true, processTimeoutMs);
    QCOMPARE(first->readLine().trimmed(), QByteArray("primary"));

    // Here claim() blocks: the answer comes from the other process's event loop.
    SingleInstanceGuard guard(settingsFile(QStringLiteral("s.json")), nullptr, runtimeDir());
    QCOMPARE(guard.claim(), SingleInstanceGuard::Role::Secondary);
    QVERIFY(first->waitForFinished(processTimeoutMs));
    QCOMPARE(first->readAllStandardOutput().trimmed(), QByteArray("activated"));
    QCOMPARE(first->exitCode(), 0);
}

void TestSingleInstance::otherSettingsFileIsIndependent()
{
    SingleInstanceGuard first(settingsFile(QStringLiteral("one.json")), nullptr, runtimeDir());
    QCOMPARE(first.claim(), SingleInstanceGuard::Role::Primary);
    SingleInstanceGuard second(settingsFile(QStringLiteral("two.json")), nullptr, runtimeDir());
    QCOMPARE(second.claim(), SingleInstanceGuard::Role::Primary);
    QVERIFY(first.serverName() != second.serverName());
}

void TestSingleInstance::staleSocketOfKilledInstanceIsReplaced()
{
    QProcess* first = startChild(QStringLiteral("primary"), settingsFile(QStringLiteral("s.json")));
    QVERIFY(first);
    QTRY_COMPARE_WITH_TIMEOUT(first->canReadLine(), true, processTimeoutMs);
    QCOMPARE(first->readLine().trimmed(), QByteArray("primary"));
    // SIGKILL: no destructor runs, the socket file stays behind.
    first->kill();
    QVERIFY(first->waitForFinished(processTimeoutMs));

    SingleInstanceGuard guard(settingsFile(QStringLiteral("s.json")), nullptr, runtimeDir());
    QVERIFY(QFile::exists(guard.serverName()));
    QCOMPARE(guard.claim(), SingleInstanceGuard::Role::Primary);

    QProcess* second =
        startChild(QStringLiteral("secondary"), settingsFile(QStringLiteral("s.json")));
    QVERIFY(second);
    QTRY_COMPARE_WITH_TIMEOUT(second->state(), QProcess::NotRunning, processTimeoutMs);
    QCOMPARE(second->exitCode(), 0);
}

void TestSingleInstance::silentServerIsReportedNotWaitedOn()
{
    SingleInstanceGuard guard(settingsFile(QStringLiteral("s.json")), nullptr, runtimeDir());
    // Something listens on the name and never answers (a hung instance).
    QLocalServer silent;
    QVERIFY(silent.listen(guard.serverName()));
    QElapsedTimer elapsed;
    elapsed.start();
    QCOMPARE(guard.claim(500), SingleInstanceGuard::Role::NotAnswering);
    QVERIFY2(elapsed.elapsed() < 3000, QByteArray::number(elapsed.elapsed()).constData());
    QVERIFY(guard.errorString().contains(QStringLiteral("did not answer")));
}

void TestSingleInstance::badRequestGetsErrorAndNoActivation()
{
    SingleInstanceGuard guard(settingsFile(QStringLiteral("s.json")), nullptr, runtimeDir());
    QCOMPARE(guard.claim(), SingleInstanceGuard::Role::Primary);
    QSignalSpy activated(&guard, &SingleInstanceGuard::activationRequested);
    for (const QByteArray& request :
         {QByteArray("hello\n"), QByteArray("switchyard-activate-now\n"), QByteArray(200, 'x')}) {
        QLocalSocket client;
        client.connectToServer(guard.serverName());
        QVERIFY(client.waitForConnected(processTimeoutMs));
        client.write(request);
        QTRY_COMPARE(client.state(), QLocalSocket::UnconnectedState);
        QCOMPARE(client.readAll(), QByteArray(SingleInstanceGuard::errorReply));
    }
    QCOMPARE(activated.size(), 0);

    // The request split over several writes still counts.
    QLocalSocket client;
    client.connectToServer(guard.serverName());
    QVERIFY(client.waitForConnected(processTimeoutMs));
    client.write("switchyard-");
    client.flush();
    QTest::qWait(100);
    client.write("activate\n");
    QTRY_COMPARE(client.state(), QLocalSocket::UnconnectedState);
    QCOMPARE(client.readAll(), QByteArray(SingleInstanceGuard::activateReply));
    QCOMPARE(activated.size(), 1);
}

void TestSingleInstance::unusableRuntimeFolderRunsUnguarded()
{
    // A file where the runtime folder should be: no lock, no socket (for root too).
    const QString blocker = m_dir->filePath(QStringLiteral("blocker"));
    QFile file(blocker);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.close();
    SingleInstanceGuard guard(settingsFile(QStringLiteral("s.json")), nullptr,
                              blocker + QStringLiteral("/run"));
    QElapsedTimer elapsed;
    elapsed.start();
    QCOMPARE(guard.claim(1000), SingleInstanceGuard::Role::Unguarded);
    QVERIFY2(elapsed.elapsed() < 3000, QByteArray::number(elapsed.elapsed()).constData());
    QVERIFY(guard.errorString().contains(blocker));
}

void TestSingleInstance::idleConnectionIsClosed()
{
    SingleInstanceGuard guard(settingsFile(QStringLiteral("s.json")), nullptr, runtimeDir());
    QCOMPARE(guard.claim(), SingleInstanceGuard::Role::Primary);
    QLocalSocket client;
    client.connectToServer(guard.serverName());
    QVERIFY(client.waitForConnected(processTimeoutMs));
    QElapsedTimer elapsed;
    elapsed.start();
    QTRY_COMPARE_WITH_TIMEOUT(client.state(), QLocalSocket::UnconnectedState,
                              SingleInstanceGuard::requestTimeoutMs * 3);
    QVERIFY(elapsed.elapsed() >= SingleInstanceGuard::requestTimeoutMs - 200);
}

int main(int argc, char** argv)
{
    if (argc >= 2 && std::strcmp(argv[1], "--child") == 0)
        return runChild(argc, argv);
    QCoreApplication app(argc, argv);
    TestSingleInstance test;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}

#include "tst_singleinstance.moc"
