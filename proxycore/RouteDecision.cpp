#include "RouteDecision.h"

namespace Switchyard {

QString RouteDecision::describe() const
{
    QString out =
        isDefault() ? ruleText : QStringLiteral("rule #%1 %2").arg(ruleIndex + 1).arg(ruleText);
    if (!error.isEmpty())
        out += QStringLiteral(" (blocked: %1)").arg(error);
    return out;
}

} // namespace Switchyard
