#pragma once

#include <QList>
#include <QString>

namespace Switchyard {

/// One thing wrong with a settings file, or worth telling the user about: where
/// it is (a field path, or a line and column for broken JSON) and what it is.
/// Kept as data so that a window can list them and the command line print them.
struct SettingsIssue
{
    enum class Severity {
        Warning, ///< the file was used; something in it was ignored or looks wrong
        Error,   ///< the file cannot be used as it is
    };

    Severity severity = Severity::Error;
    QString path;   ///< field path such as "profiles[2].port"; empty for the whole file
    int line = 0;   ///< 1-based line of a JSON syntax error; 0 when not known
    int column = 0; ///< 1-based column, with line
    QString message;

    static SettingsIssue error(const QString& path, const QString& message);
    static SettingsIssue warning(const QString& path, const QString& message);
    static SettingsIssue syntaxError(int line, int column, const QString& message);

    bool isError() const { return severity == Severity::Error; }
    /// "profiles[2].port: …", "line 3, column 7: …" or the bare message.
    QString toString() const;
    /// Whether any of these makes the file unusable.
    static bool anyError(const QList<SettingsIssue>& issues);

    bool operator==(const SettingsIssue& other) const = default;
};

using SettingsIssues = QList<SettingsIssue>;

} // namespace Switchyard
