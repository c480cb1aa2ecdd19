// AutostartEntry: the XDG autostart file is written, read back, validated by
// desktop-file-validate and launched by GLib's `gio launch` (the same code
// GNOME's session uses), which must start the program with exactly the
// arguments given. The macOS plist is parsed by Python's plistlib and the
// Windows command line compared with Python's subprocess.list2cmdline, since
// neither platform is here.
#include "AutostartEntry.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using Switchyard::AutostartEntry;

namespace {

constexpr int processTimeoutMs = 15'000;

struct Run
{
    bool finished = false;
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

Run runProcess(const QString& program, const QStringList& arguments, const QByteArray& input = {},
               const QProcessEnvironment& environment = QProcessEnvironment::systemEnvironment())
{
    QProcess process;
    process.setProcessEnvironment(environment);
    process.start(program, arguments);
    Run run;
    if (!process.waitForStarted(processTimeoutMs))
        return run;
    process.write(input);
    process.closeWriteChannel();
    run.finished = process.waitForFinished(processTimeoutMs);
    if (!run.finished)
        process.kill();
    run.exitCode = process.exitCode();
    run.out = process.readAllStandardOutput();
    run.err = process.readAllStandardError();
    return run;
}

QByteArray readFile(const QString& path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

bool writeFile(const QString& path, const QByteArray& contents)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(contents) == contents.size();
}

// Arguments with every character the quoting rules treat specially.
QStringList awkwardArguments()
{
    return {
        QStringLiteral("--listen"),    QStringLiteral("127.0.0.1:9000"),
        QStringLiteral("a b"),         QStringLiteral("100%"),
        QStringLiteral("%u"),          QStringLiteral("say \"hi\""),
        QStringLiteral("back\\slash"), QStringLiteral("$HOME `id` 'single' ~ | & ; * ? # ( ) < >"),
        QStringLiteral("tab\there"),   QStringLiteral("ünïcødé")};
}

} // namespace

class TestAutostart : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void offUntilEnabled();
    void desktopFileValidates();
    void gioLaunchesProgramWithArguments();
    void switchedOffEntryIsNotEnabled();
    void entryFromAnotherBuildIsNotCurrent();
    void disableRemovesAndIsIdempotent();
    void unwritableFolderIsReported();
    void xdgDirectoryFollowsXdgConfigHome();
    void launchAgentPlistParses();
    void windowsCommandLine_data();
    void windowsCommandLine();
    void windowsRunKeyElsewhereIsAnError();

private:
    QTemporaryDir m_dir;
    QString m_python;
};

void TestAutostart::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_python = QStandardPaths::findExecutable(QStringLiteral("python3"));
}

void TestAutostart::offUntilEnabled()
{
    AutostartEntry entry(QStringLiteral("/usr/bin/switchyard"));
    entry.setDirectory(m_dir.filePath(QStringLiteral("off")));
    QVERIFY(!entry.isEnabled());
    QVERIFY(!entry.isCurrent());
    QVERIFY(
        entry.location().endsWith(QStringLiteral("/off/io.github.switchyard.Switchyard.desktop")));
    QCOMPARE(entry.setEnabled(true), QString());
    QVERIFY(entry.isEnabled());
    QVERIFY(entry.isCurrent());
    QCOMPARE(QString::fromUtf8(readFile(entry.location())),
             AutostartEntry::desktopFileContents(QStringLiteral("/usr/bin/switchyard"), {}));
    QVERIFY(readFile(entry.location()).contains("\nExec=/usr/bin/switchyard\n"));
}

void TestAutostart::desktopFileValidates()
{
    const QString validator =
        QStandardPaths::findExecutable(QStringLiteral("desktop-file-validate"));
    if (validator.isEmpty())
        QSKIP("desktop-file-validate is not installed (Debian: desktop-file-utils)");
    AutostartEntry entry(QStringLiteral("/opt/my apps/switch$yard"), awkwardArguments());
    entry.setDirectory(m_dir.filePath(QStringLiteral("validate")));
    QCOMPARE(entry.setEnabled(true), QString());
    const Run run = runProcess(validator, {entry.location()});
    QVERIFY(run.finished);
    // It prints hints and warnings on standard output even when it exits 0.
    QVERIFY2(run.exitCode == 0 && run.out.isEmpty() && run.err.isEmpty(),
             (run.out + run.err).constData());
}

void TestAutostart::gioLaunchesProgramWithArguments()
{
    const QString gio = QStandardPaths::findExecutable(QStringLiteral("gio"));
    if (gio.isEmpty())
        QSKIP("gio is not installed (Debian: libglib2.0-bin)");
    // The program itself sits in a folder whose name needs quoting and escaping.
    const QString folder = m_dir.filePath(QStringLiteral("bin dir $x \\y"));
    QVERIFY(QDir().mkpath(folder));
    // (No "%" in the program's own name: GLib checks that the program exists
    // before it undoes the "%%" escape, so such a name never starts from GLib.)
    const QString program = folder + QStringLiteral("/record args.sh");
    const QString record = m_dir.filePath(QStringLiteral("recorded"));
    QVERIFY(writeFile(program,
                      "#!/bin/sh\n"
                      "for a in \"$0\" \"$@\"; do printf '%s\\0' \"$a\"; done > \"$RECORD\"\n"));
    QVERIFY(QFile::setPermissions(program, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner));

    AutostartEntry entry(program, awkwardArguments());
    entry.setDirectory(m_dir.filePath(QStringLiteral("launch")));
    QCOMPARE(entry.setEnabled(true), QString());

    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("RECORD"), record);
    const Run run = runProcess(gio, {QStringLiteral("launch"), entry.location()}, {}, environment);
    QVERIFY(run.finished);
    QVERIFY2(run.exitCode == 0, run.err.constData());
    // gio starts the program and returns; wait for it to have written.
    const QDeadlineTimer deadline(processTimeoutMs);
    QByteArray recorded;
    while (!deadline.hasExpired()) {
        recorded = readFile(record);
        if (recorded.count('\0') == awkwardArguments().size() + 1)
            break;
        QTest::qWait(50);
    }
    QStringList arguments;
    for (const QByteArray& part : recorded.split('\0'))
        arguments.append(QString::fromUtf8(part));
    arguments.removeLast(); // after the last terminator
    QCOMPARE(arguments, QStringList{program} + awkwardArguments());
}

void TestAutostart::switchedOffEntryIsNotEnabled()
{
    AutostartEntry entry(QStringLiteral("/usr/bin/switchyard"));
    entry.setDirectory(m_dir.filePath(QStringLiteral("hidden")));
    QCOMPARE(entry.setEnabled(true), QString());
    const QByteArray original = readFile(entry.location());

    QVERIFY(writeFile(entry.location(), original + "Hidden=true\n"));
    QVERIFY(!entry.isEnabled());
    QVERIFY(writeFile(entry.location(),
                      QByteArray(original).replace("X-GNOME-Autostart-enabled=true",
                                                   "X-GNOME-Autostart-enabled=false")));
    QVERIFY(!entry.isEnabled());
    // A key of the same name in another group does not count.
    QVERIFY(writeFile(entry.location(), original + "\n[Desktop Action x]\nHidden=true\n"));
    QVERIFY(entry.isEnabled());
    // Enabling again writes the file as it should be.
    QCOMPARE(entry.setEnabled(true), QString());
    QVERIFY(entry.isCurrent());
}

void TestAutostart::entryFromAnotherBuildIsNotCurrent()
{
    const QString folder = m_dir.filePath(QStringLiteral("moved"));
    AutostartEntry old(QStringLiteral("/home/me/build/app/switchyard"));
    old.setDirectory(folder);
    QCOMPARE(old.setEnabled(true), QString());

    AutostartEntry installed(QStringLiteral("/usr/bin/switchyard"));
    installed.setDirectory(folder);
    QVERIFY(installed.isEnabled());
    QVERIFY(!installed.isCurrent());
    QCOMPARE(installed.setEnabled(true), QString());
    QVERIFY(installed.isCurrent());
    QVERIFY(!old.isCurrent());
}

void TestAutostart::disableRemovesAndIsIdempotent()
{
    AutostartEntry entry(QStringLiteral("/usr/bin/switchyard"));
    entry.setDirectory(m_dir.filePath(QStringLiteral("disable")));
    QCOMPARE(entry.setEnabled(false), QString()); // nothing there yet
    QCOMPARE(entry.setEnabled(true), QString());
    QVERIFY(QFile::exists(entry.location()));
    QCOMPARE(entry.setEnabled(false), QString());
    QVERIFY(!QFile::exists(entry.location()));
    QVERIFY(!entry.isEnabled());
    QCOMPARE(entry.setEnabled(false), QString());
}

void TestAutostart::unwritableFolderIsReported()
{
    // A file where the folder should be: fails for root too, unlike permissions.
    const QString blocker = m_dir.filePath(QStringLiteral("blocker"));
    QVERIFY(writeFile(blocker, "not a folder"));
    AutostartEntry entry(QStringLiteral("/usr/bin/switchyard"));
    entry.setDirectory(blocker + QStringLiteral("/autostart"));
    const QString error = entry.setEnabled(true);
    QVERIFY(error.contains(blocker));
    QVERIFY(!entry.isEnabled());

    // The entry's own path taken by a folder: writing fails with a message.
    AutostartEntry clash(QStringLiteral("/usr/bin/switchyard"));
    clash.setDirectory(m_dir.filePath(QStringLiteral("clash")));
    QVERIFY(QDir().mkpath(clash.location()));
    QVERIFY(clash.setEnabled(true).contains(clash.location()));
    QVERIFY(!clash.setEnabled(false).isEmpty());
}

void TestAutostart::xdgDirectoryFollowsXdgConfigHome()
{
    const QByteArray saved = qgetenv("XDG_CONFIG_HOME");
    const QString config = m_dir.filePath(QStringLiteral("config home"));
    qputenv("XDG_CONFIG_HOME", config.toUtf8());
    const QString directory = AutostartEntry::xdgAutostartDirectory();
    AutostartEntry entry(QStringLiteral("/usr/bin/switchyard"));
    const QString location = entry.location();
    qputenv("XDG_CONFIG_HOME", saved);
    QCOMPARE(directory, config + QStringLiteral("/autostart"));
    QCOMPARE(location,
             config + QStringLiteral("/autostart/io.github.switchyard.Switchyard.desktop"));
}

void TestAutostart::launchAgentPlistParses()
{
    if (m_python.isEmpty())
        QSKIP("python3 is not installed");
    const QString program =
        QStringLiteral("/Applications/Switch & <yard>.app/Contents/MacOS/Switchyard");
    AutostartEntry entry(program, awkwardArguments(), AutostartEntry::Kind::LaunchAgent);
    entry.setDirectory(m_dir.filePath(QStringLiteral("LaunchAgents")));
    QVERIFY(!entry.isEnabled());
    QCOMPARE(entry.setEnabled(true), QString());
    QVERIFY(entry.location().endsWith(
        QStringLiteral("/LaunchAgents/io.github.switchyard.Switchyard.plist")));
    QVERIFY(entry.isCurrent());

    // plistlib is an independent reader of Apple's format.
    const Run run = runProcess(
        m_python,
        {QStringLiteral("-c"),
         QStringLiteral("import plistlib, sys\n"
                        "p = plistlib.load(open(sys.argv[1], 'rb'))\n"
                        "assert p['RunAtLoad'] is True, p\n"
                        "sys.stdout.buffer.write('\\0'.join([p['Label']] + p['ProgramArguments'])"
                        ".encode())\n"),
         entry.location()});
    QVERIFY(run.finished);
    QVERIFY2(run.exitCode == 0, run.err.constData());
    const QStringList expected =
        QStringList{QStringLiteral("io.github.switchyard.Switchyard"), program} +
        awkwardArguments();
    QCOMPARE(QString::fromUtf8(run.out).split(QChar(0)), expected);

    QCOMPARE(entry.setEnabled(false), QString());
    QVERIFY(!QFile::exists(entry.location()));
}

void TestAutostart::windowsCommandLine_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::newRow("none") << QStringList{};
    QTest::newRow("plain") << QStringList{QStringLiteral("--headless"), QStringLiteral("8877")};
    QTest::newRow("empty") << QStringList{QString()};
    QTest::newRow("spaces") << QStringList{QStringLiteral("C:\\Users\\A B\\settings.json")};
    QTest::newRow("quote") << QStringList{QStringLiteral("say \"hi\""), QStringLiteral("a\"b")};
    QTest::newRow("backslashes before quote")
        << QStringList{QStringLiteral("a\\\\\"b"), QStringLiteral("c\\\"")};
    QTest::newRow("trailing backslashes")
        << QStringList{QStringLiteral("dir with space\\\\"), QStringLiteral("nospace\\")};
    QTest::newRow("tab") << QStringList{QStringLiteral("a\tb")};
    QTest::newRow("awkward") << awkwardArguments();
}

void TestAutostart::windowsCommandLine()
{
    QFETCH(QStringList, arguments);
    const QString program = QStringLiteral("C:/Program Files/Switchyard/bin/switchyard.exe");
    const QString line = AutostartEntry::windowsCommandLine(program, arguments);
    const QString quotedProgram =
        QStringLiteral("\"C:\\Program Files\\Switchyard\\bin\\switchyard.exe\"");
    QVERIFY(line.startsWith(quotedProgram));
    if (m_python.isEmpty())
        QSKIP("python3 is not installed");
    // Python's list2cmdline implements the Microsoft C runtime rules; feed it the
    // arguments NUL-separated on standard input.
    QByteArray input;
    for (const QString& argument : arguments)
        input += argument.toUtf8() + '\0';
    const Run run = runProcess(
        m_python,
        {QStringLiteral("-c"),
         QStringLiteral("import subprocess, sys\n"
                        "data = sys.stdin.buffer.read().decode()\n"
                        "args = data.split('\\0')[:-1] if data else []\n"
                        "sys.stdout.buffer.write(subprocess.list2cmdline(args).encode())\n")},
        input);
    QVERIFY(run.finished);
    QVERIFY2(run.exitCode == 0, run.err.constData());
    const QString expected = QString::fromUtf8(run.out);
    QCOMPARE(line, expected.isEmpty() && arguments.isEmpty() ? quotedProgram
                                                             : quotedProgram + u' ' + expected);
}

void TestAutostart::windowsRunKeyElsewhereIsAnError()
{
#ifdef Q_OS_WIN
    QSKIP("this is Windows: the Run key is real here");
#else
    AutostartEntry entry(QStringLiteral("C:/switchyard.exe"), {},
                         AutostartEntry::Kind::WindowsRunKey);
    QVERIFY(!entry.isEnabled());
    QVERIFY(!entry.setEnabled(true).isEmpty());
    QVERIFY(entry.location().startsWith(QStringLiteral("HKEY_CURRENT_USER\\")));
#endif
}

QTEST_GUILESS_MAIN(TestAutostart)
#include "tst_autostart.moc"
