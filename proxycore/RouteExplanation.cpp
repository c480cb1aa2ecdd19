#include "RouteExplanation.h"

namespace Switchyard {

QString RouteExplanation::toText() const
{
    if (!error.isEmpty())
        return error;
    QString route;
    switch (decision.action.kind) {
    case RouteAction::Kind::Direct:
        route = QStringLiteral("direct");
        break;
    case RouteAction::Kind::Block:
        route = QStringLiteral("blocked");
        break;
    case RouteAction::Kind::Profile:
        route = QStringLiteral("through %1").arg(decision.profileName);
        break;
    }
    QString out = query.subject() + QStringLiteral(" -> ") + route;
    if (decision.isDefault())
        out += QStringLiteral(", by the default action (no rule matched)");
    else
        out +=
            QStringLiteral(", by rule #%1 %2").arg(decision.ruleIndex + 1).arg(decision.ruleText);
    if (!decision.error.isEmpty())
        out += QStringLiteral(" [error: %1]").arg(decision.error);
    return out;
}

} // namespace Switchyard
