#pragma once

#include <QString>
#include <QStringList>

namespace Switchyard {

/// What became of a save or an export.
struct SettingsSaveResult
{
    QString error;     ///< empty when the file was written; otherwise why not (old file intact)
    QStringList notes; ///< things the user should know even so (a file kept aside …)

    bool ok() const { return error.isEmpty(); }
};

} // namespace Switchyard
