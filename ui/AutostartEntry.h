#pragma once

#include <QCoreApplication>
#include <QString>
#include <QStringList>

namespace Switchyard {

/// Starting Switchyard at login, off until the user turns it on: an XDG
/// autostart .desktop file on Linux, a LaunchAgents plist on macOS, a value under
/// HKCU\...\CurrentVersion\Run on Windows. The entry starts the given program
/// (the installed binary) with the given arguments.
class AutostartEntry
{
    Q_DECLARE_TR_FUNCTIONS(AutostartEntry)
public:
    enum class Kind { XdgDesktopFile, LaunchAgent, WindowsRunKey };

    /// The mechanism of the platform this was built for.
    static Kind nativeKind();

    /// program: the absolute path of the binary to start at login, normally
    /// QCoreApplication::applicationFilePath().
    explicit AutostartEntry(QString program, QStringList arguments = {}, Kind kind = nativeKind());

    /// Puts the file in directory instead of the platform's folder (tests, or a
    /// sandbox). Ignored for WindowsRunKey.
    void setDirectory(const QString& directory) { m_directory = directory; }

    /// The file, or for Windows the registry value, that holds the entry.
    QString location() const;

    /// The entry exists and is not switched off (Hidden=true or
    /// X-GNOME-Autostart-enabled=false in a desktop file).
    bool isEnabled() const;
    /// Enabled, and starts exactly this program with these arguments. An entry
    /// left by a build in another place is enabled but not current: enabling
    /// again rewrites it.
    bool isCurrent() const;

    /// Writes or removes the entry. Returns an empty string on success, otherwise
    /// the reason, for the user.
    QString setEnabled(bool enabled);

    /// The file name of the desktop entry and the LaunchAgent label.
    static QString entryId();
    /// $XDG_CONFIG_HOME/autostart, or ~/.config/autostart when it is unset.
    static QString xdgAutostartDirectory();
    /// ~/Library/LaunchAgents.
    static QString launchAgentsDirectory();

    /// The whole autostart .desktop file for program and arguments.
    static QString desktopFileContents(const QString& program, const QStringList& arguments);
    /// The Exec= value: each argument quoted as the Desktop Entry spec requires
    /// and then escaped as a string value (so "\" becomes "\\\\", "%" "%%").
    static QString desktopExecValue(const QString& program, const QStringList& arguments);
    /// The LaunchAgent property list (XML) that runs program at login.
    static QString launchAgentPlist(const QString& program, const QStringList& arguments);
    /// A Windows command line that CommandLineToArgvW splits back into program
    /// and arguments (the Run key value).
    static QString windowsCommandLine(const QString& program, const QStringList& arguments);

private:
    QString expectedContents() const;
    QString writeFile() const;
    QString removeFile() const;

    QString m_program;
    QStringList m_arguments;
    Kind m_kind;
    QString m_directory;
};

} // namespace Switchyard
