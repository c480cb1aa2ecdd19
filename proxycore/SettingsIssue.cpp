#include "SettingsIssue.h"

#include <algorithm>

namespace Switchyard {

SettingsIssue SettingsIssue::error(const QString& path, const QString& message)
{
    return {Severity::Error, path, 0, 0, message};
}

SettingsIssue SettingsIssue::warning(const QString& path, const QString& message)
{
    return {Severity::Warning, path, 0, 0, message};
}

SettingsIssue SettingsIssue::syntaxError(int line, int column, const QString& message)
{
    return {Severity::Error, {}, line, column, message};
}

QString SettingsIssue::toString() const
{
    if (line > 0)
        return QStringLiteral("line %1, column %2: %3").arg(line).arg(column).arg(message);
    if (!path.isEmpty())
        return path + QStringLiteral(": ") + message;
    return message;
}

bool SettingsIssue::anyError(const QList<SettingsIssue>& issues)
{
    return std::any_of(issues.cbegin(), issues.cend(),
                       [](const SettingsIssue& issue) { return issue.isError(); });
}

} // namespace Switchyard
