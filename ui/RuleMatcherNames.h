#pragma once

#include "Rule.h"

#include <QCoreApplication>
#include <QList>
#include <QString>

namespace Switchyard {

/// What the rules editor calls each matcher, with an example pattern, so that
/// the table, the editor and the import report use the same words.
class RuleMatcherNames
{
    Q_DECLARE_TR_FUNCTIONS(RuleMatcherNames)
public:
    /// Every matcher, in the order the editor lists them.
    static QList<Rule::Matcher> all();
    /// "Domain", "Host regex", "IP range (CIDR)", ...
    static QString label(Rule::Matcher matcher);
    /// An example pattern for the editor's placeholder text.
    static QString example(Rule::Matcher matcher);
    /// One sentence on what the matcher compares, for tooltips.
    static QString description(Rule::Matcher matcher);
};

} // namespace Switchyard
