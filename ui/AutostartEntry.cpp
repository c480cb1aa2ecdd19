#include "AutostartEntry.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>
#include <QStandardPaths>

#ifdef Q_OS_WIN
#include <QSettings>
#endif

namespace Switchyard {

namespace {

#ifdef Q_OS_WIN
constexpr auto runKey = R"(HKEY_CURRENT_USER\Software\Microsoft\Windows\CurrentVersion\Run)";
#endif

// Characters that force an Exec argument into double quotes (Desktop Entry
// Specification, "The Exec key").
bool needsDesktopQuoting(const QString& argument)
{
    if (argument.isEmpty())
        return true;
    static const QString reserved = QStringLiteral(" \t\n\"'\\><~|&;$*?#()`");
    for (const QChar c : argument) {
        if (reserved.contains(c))
            return true;
    }
    return false;
}

QString quoteDesktopArgument(const QString& argument)
{
    QString quoted = argument;
    if (needsDesktopQuoting(argument)) {
        quoted.clear();
        quoted += u'"';
        for (const QChar c : argument) {
            // Inside quotes these four are escaped with a backslash.
            if (c == u'"' || c == u'`' || c == u'$' || c == u'\\')
                quoted += u'\\';
            quoted += c;
        }
        quoted += u'"';
    }
    // A lone % would start a field code (%f, %u ...).
    quoted.replace(u'%', QStringLiteral("%%"));
    return quoted;
}

// The string-value escapes of the key file format, applied after quoting.
QString escapeDesktopValue(const QString& value)
{
    QString escaped;
    for (const QChar c : value) {
        if (c == u'\\')
            escaped += QStringLiteral("\\\\");
        else if (c == u'\n')
            escaped += QStringLiteral("\\n");
        else if (c == u'\t')
            escaped += QStringLiteral("\\t");
        else if (c == u'\r')
            escaped += QStringLiteral("\\r");
        else
            escaped += c;
    }
    return escaped;
}

QString xmlEscaped(const QString& text)
{
    return text.toHtmlEscaped();
}

// Quoting that the Microsoft C runtime and CommandLineToArgvW undo, the same
// as Python's subprocess.list2cmdline (the test compares the two): backslashes
// are literal except before a double quote, where 2n+1 of them give n and a quote.
QString quoteWindowsArgument(const QString& argument)
{
    const bool needsQuotes =
        argument.isEmpty() || argument.contains(u' ') || argument.contains(u'\t');
    QString quoted;
    if (needsQuotes)
        quoted += u'"';
    qsizetype backslashes = 0;
    for (const QChar c : argument) {
        if (c == u'\\') {
            ++backslashes;
        } else if (c == u'"') {
            quoted += QString(backslashes * 2 + 1, u'\\');
            quoted += c;
            backslashes = 0;
        } else {
            quoted += QString(backslashes, u'\\');
            quoted += c;
            backslashes = 0;
        }
    }
    // Before a closing quote every backslash is doubled; elsewhere they are literal.
    quoted += QString(needsQuotes ? backslashes * 2 : backslashes, u'\\');
    if (needsQuotes)
        quoted += u'"';
    return quoted;
}

// A desktop file key's value, or an empty string.
QString desktopKey(const QString& contents, QStringView key)
{
    bool inMainGroup = false;
    for (const QStringView line : QStringView(contents).split(u'\n')) {
        const QStringView trimmed = line.trimmed();
        if (trimmed.startsWith(u'[')) {
            inMainGroup = trimmed == u"[Desktop Entry]";
            continue;
        }
        if (!inMainGroup)
            continue;
        const qsizetype equals = trimmed.indexOf(u'=');
        if (equals > 0 && trimmed.left(equals).trimmed() == key)
            return trimmed.mid(equals + 1).trimmed().toString();
    }
    return {};
}

QString readAll(const QString& path, bool* ok)
{
    QFile file(path);
    *ok = file.open(QIODevice::ReadOnly);
    return *ok ? QString::fromUtf8(file.readAll()) : QString();
}

} // namespace

AutostartEntry::Kind AutostartEntry::nativeKind()
{
#if defined(Q_OS_WIN)
    return Kind::WindowsRunKey;
#elif defined(Q_OS_MACOS)
    return Kind::LaunchAgent;
#else
    return Kind::XdgDesktopFile;
#endif
}

AutostartEntry::AutostartEntry(QString program, QStringList arguments, Kind kind)
    : m_program(std::move(program)), m_arguments(std::move(arguments)), m_kind(kind)
{}

QString AutostartEntry::entryId()
{
    return QStringLiteral("io.github.switchyard.Switchyard");
}

QString AutostartEntry::xdgAutostartDirectory()
{
    // GenericConfigLocation is $XDG_CONFIG_HOME, or ~/.config when it is unset
    // or not absolute, as the XDG spec says.
    return QStandardPaths::writableLocation(QStandardPaths::GenericConfigLocation) +
           QStringLiteral("/autostart");
}

QString AutostartEntry::launchAgentsDirectory()
{
    return QDir::homePath() + QStringLiteral("/Library/LaunchAgents");
}

QString AutostartEntry::location() const
{
    switch (m_kind) {
    case Kind::XdgDesktopFile:
        return (m_directory.isEmpty() ? xdgAutostartDirectory() : m_directory) + u'/' + entryId() +
               QStringLiteral(".desktop");
    case Kind::LaunchAgent:
        return (m_directory.isEmpty() ? launchAgentsDirectory() : m_directory) + u'/' + entryId() +
               QStringLiteral(".plist");
    case Kind::WindowsRunKey:
        return QStringLiteral(
            R"(HKEY_CURRENT_USER\Software\Microsoft\Windows\CurrentVersion\Run\Switchyard)");
    }
    return {};
}

QString AutostartEntry::desktopExecValue(const QString& program, const QStringList& arguments)
{
    QStringList parts{quoteDesktopArgument(program)};
    for (const QString& argument : arguments)
        parts.append(quoteDesktopArgument(argument));
    return escapeDesktopValue(parts.join(u' '));
}

QString AutostartEntry::desktopFileContents(const QString& program, const QStringList& arguments)
{
    // Name and Comment stay in English: the file outlives a change of language
    // and session managers show it only in their own lists.
    return QStringLiteral("[Desktop Entry]\n"
                          "Type=Application\n"
                          "Name=Switchyard\n"
                          "Comment=Start the Switchyard proxy at login\n"
                          "Exec=%1\n"
                          "Icon=%2\n"
                          "Terminal=false\n"
                          "X-GNOME-Autostart-enabled=true\n")
        .arg(desktopExecValue(program, arguments), entryId());
}

QString AutostartEntry::launchAgentPlist(const QString& program, const QStringList& arguments)
{
    QString array;
    for (const QString& argument : QStringList{program} + arguments)
        array += QStringLiteral("        <string>%1</string>\n").arg(xmlEscaped(argument));
    return QStringLiteral("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                          "<!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" "
                          "\"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n"
                          "<plist version=\"1.0\">\n"
                          "<dict>\n"
                          "    <key>Label</key>\n"
                          "    <string>%1</string>\n"
                          "    <key>ProgramArguments</key>\n"
                          "    <array>\n"
                          "%2"
                          "    </array>\n"
                          "    <key>RunAtLoad</key>\n"
                          "    <true/>\n"
                          "    <key>ProcessType</key>\n"
                          "    <string>Interactive</string>\n"
                          "</dict>\n"
                          "</plist>\n")
        .arg(entryId(), array);
}

QString AutostartEntry::windowsCommandLine(const QString& program, const QStringList& arguments)
{
    // The program name is split by different rules (up to the closing quote,
    // no escapes), and Windows paths cannot hold a double quote: always quote it.
    // The value is only ever read on Windows: use its separators on any host.
    QString line = u'"' + QString(program).replace(u'/', u'\\') + u'"';
    for (const QString& argument : arguments)
        line += u' ' + quoteWindowsArgument(argument);
    return line;
}

QString AutostartEntry::expectedContents() const
{
    switch (m_kind) {
    case Kind::XdgDesktopFile:
        return desktopFileContents(m_program, m_arguments);
    case Kind::LaunchAgent:
        return launchAgentPlist(m_program, m_arguments);
    case Kind::WindowsRunKey:
        return windowsCommandLine(m_program, m_arguments);
    }
    return {};
}

bool AutostartEntry::isEnabled() const
{
    if (m_kind == Kind::WindowsRunKey) {
#ifdef Q_OS_WIN
        return QSettings(QString::fromLatin1(runKey), QSettings::NativeFormat)
            .contains(QStringLiteral("Switchyard"));
#else
        return false;
#endif
    }
    bool ok = false;
    const QString contents = readAll(location(), &ok);
    if (!ok)
        return false;
    if (m_kind == Kind::XdgDesktopFile) {
        // A user (or a settings tool) may switch the entry off without deleting it.
        if (desktopKey(contents, u"Hidden") == u"true" ||
            desktopKey(contents, u"X-GNOME-Autostart-enabled") == u"false")
            return false;
    }
    return true;
}

bool AutostartEntry::isCurrent() const
{
    if (!isEnabled())
        return false;
    if (m_kind == Kind::WindowsRunKey) {
#ifdef Q_OS_WIN
        return QSettings(QString::fromLatin1(runKey), QSettings::NativeFormat)
                   .value(QStringLiteral("Switchyard"))
                   .toString() == expectedContents();
#else
        return false;
#endif
    }
    bool ok = false;
    return readAll(location(), &ok) == expectedContents() && ok;
}

QString AutostartEntry::setEnabled(bool enabled)
{
    if (m_kind == Kind::WindowsRunKey) {
#ifdef Q_OS_WIN
        QSettings run(QString::fromLatin1(runKey), QSettings::NativeFormat);
        if (enabled)
            run.setValue(QStringLiteral("Switchyard"), expectedContents());
        else
            run.remove(QStringLiteral("Switchyard"));
        run.sync();
        if (run.status() != QSettings::NoError)
            return tr("cannot change the Windows Run key %1").arg(location());
        return {};
#else
        return tr("starting at login through the Windows Run key works on Windows only");
#endif
    }
    return enabled ? writeFile() : removeFile();
}

QString AutostartEntry::writeFile() const
{
    const QString path = location();
    const QString folder = QFileInfo(path).absolutePath();
    if (!QDir().mkpath(folder))
        return tr("cannot create the folder %1").arg(QDir::toNativeSeparators(folder));
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return tr("cannot write %1: %2").arg(QDir::toNativeSeparators(path), file.errorString());
    file.write(expectedContents().toUtf8());
    if (!file.commit())
        return tr("cannot write %1: %2").arg(QDir::toNativeSeparators(path), file.errorString());
    return {};
}

QString AutostartEntry::removeFile() const
{
    const QString path = location();
    QFile file(path);
    if (!file.exists())
        return {};
    if (!file.remove())
        return tr("cannot remove %1: %2").arg(QDir::toNativeSeparators(path), file.errorString());
    return {};
}

} // namespace Switchyard
