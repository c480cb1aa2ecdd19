#include "SettingsLoadResult.h"

#include <QDir>

namespace Switchyard {

bool SettingsLoadResult::hasMessages() const
{
    return !issues.isEmpty() || !backupIssues.isEmpty() || migrated ||
           !recoveredSecrets.isEmpty() || !recoveryError.isEmpty();
}

QStringList SettingsLoadResult::messages() const
{
    const QString file = QDir::toNativeSeparators(filePath);
    QStringList lines;
    if (!usedSettingsFile())
        lines.append(tr("The settings in %1 cannot be used:").arg(file));
    else if (!issues.isEmpty())
        lines.append(tr("The settings in %1 were read, with warnings:").arg(file));
    for (const SettingsIssue& issue : issues)
        lines.append(QStringLiteral("  ") + issue.toString());
    if (!brokenFileKeptAs.isEmpty())
        lines.append(
            tr("That file was kept as %1.").arg(QDir::toNativeSeparators(brokenFileKeptAs)));
    switch (source) {
    case Source::Backup:
        lines.append(tr("Switchyard started from the last good version of the settings (the "
                        "backup)."));
        break;
    case Source::DefaultsAfterError:
        if (!backupIssues.isEmpty()) {
            lines.append(tr("The backup cannot be used either:"));
            for (const SettingsIssue& issue : backupIssues)
                lines.append(QStringLiteral("  ") + issue.toString());
        }
        lines.append(tr("Switchyard started with the default settings."));
        break;
    case Source::Defaults:
    case Source::File:
        break;
    }
    if (!recoveryError.isEmpty())
        lines.append(recoveryError);
    if (migrated)
        lines.append(tr("The settings were written by an older Switchyard (version %1); they "
                        "are saved in the current format the next time they are saved.")
                         .arg(fileVersion));
    return lines;
}

} // namespace Switchyard
