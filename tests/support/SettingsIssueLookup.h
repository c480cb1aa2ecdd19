#pragma once

#include "SettingsIssue.h"

#include <QString>

/// Helpers for tests that check what the settings codec and store report.
namespace SettingsIssueLookup {

/// Every issue on its own line ("error: …" / "warning: …"), for failure messages.
QString describe(const Switchyard::SettingsIssues& issues);
/// The issue reported for a field path such as "profiles[2].port", or nullptr.
const Switchyard::SettingsIssue* findIssue(const Switchyard::SettingsIssues& issues,
                                           const QString& path);

} // namespace SettingsIssueLookup
