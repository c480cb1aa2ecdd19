#include "SettingsIssueLookup.h"

#include <QStringList>

namespace SettingsIssueLookup {

QString describe(const Switchyard::SettingsIssues& issues)
{
    QStringList lines;
    for (const Switchyard::SettingsIssue& issue : issues)
        lines.append((issue.isError() ? QStringLiteral("error: ") : QStringLiteral("warning: ")) +
                     issue.toString());
    return lines.join(u'\n');
}

const Switchyard::SettingsIssue* findIssue(const Switchyard::SettingsIssues& issues,
                                           const QString& path)
{
    for (const Switchyard::SettingsIssue& issue : issues) {
        if (issue.path == path)
            return &issue;
    }
    return nullptr;
}

} // namespace SettingsIssueLookup
