#include "TrafficStyle.h"

#include <QPainter>
#include <QPainterPath>
#include <QPixmap>
#include <cmath>

namespace Switchyard {

namespace {

double channel(double c)
{
    return c <= 0.03928 ? c / 12.92 : std::pow((c + 0.055) / 1.055, 2.4);
}

double luminance(const QColor& color)
{
    return 0.2126 * channel(color.redF()) + 0.7152 * channel(color.greenF()) +
           0.0722 * channel(color.blueF());
}

enum class Shape { Disc, Diamond, BarredCircle, Square };

QPixmap badge(Shape shape, const QColor& fill, const QColor& outline, int size, qreal ratio)
{
    QPixmap pixmap(int(size * ratio), int(size * ratio));
    pixmap.setDevicePixelRatio(ratio);
    pixmap.fill(Qt::transparent);
    QPainter painter(&pixmap);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setPen(QPen(outline, 1.0));
    painter.setBrush(fill);
    const QRectF box(size * 0.2, size * 0.2, size * 0.6, size * 0.6);
    switch (shape) {
    case Shape::Disc:
        painter.drawEllipse(box);
        break;
    case Shape::Diamond: {
        QPainterPath path;
        const QPointF c = box.center();
        const qreal r = box.width() * 0.6;
        path.moveTo(c.x(), c.y() - r);
        path.lineTo(c.x() + r, c.y());
        path.lineTo(c.x(), c.y() + r);
        path.lineTo(c.x() - r, c.y());
        path.closeSubpath();
        painter.drawPath(path);
        break;
    }
    case Shape::BarredCircle: {
        painter.setBrush(Qt::NoBrush);
        painter.setPen(QPen(fill, size * 0.12));
        painter.drawEllipse(box);
        const qreal d = box.width() / 2 * 0.7071;
        const QPointF c = box.center();
        painter.drawLine(QPointF(c.x() - d, c.y() + d), QPointF(c.x() + d, c.y() - d));
        break;
    }
    case Shape::Square:
        painter.drawRect(box.adjusted(size * 0.05, size * 0.05, -size * 0.05, -size * 0.05));
        break;
    }
    return pixmap;
}

QIcon badgeIcon(Shape shape, const QColor& fill, const QColor& outline)
{
    QIcon icon;
    icon.addPixmap(badge(shape, fill, outline, 16, 1.0));
    icon.addPixmap(badge(shape, fill, outline, 16, 2.0));
    return icon;
}

QColor mix(const QColor& a, const QColor& b, double weightOfB)
{
    return QColor::fromRgbF(float(a.redF() * (1 - weightOfB) + b.redF() * weightOfB),
                            float(a.greenF() * (1 - weightOfB) + b.greenF() * weightOfB),
                            float(a.blueF() * (1 - weightOfB) + b.blueF() * weightOfB));
}

} // namespace

double TrafficStyle::contrastRatio(const QColor& a, const QColor& b)
{
    const double la = luminance(a);
    const double lb = luminance(b);
    return (qMax(la, lb) + 0.05) / (qMin(la, lb) + 0.05);
}

QColor TrafficStyle::readableOn(QColor color, const QColor& background, double ratio)
{
    const bool darkBackground = luminance(background) < 0.18;
    // Lighten on a dark background, darken on a light one, keeping the hue.
    for (int step = 0; step < 40 && contrastRatio(color, background) < ratio; ++step) {
        float h = 0, s = 0, l = 0, alpha = 0;
        color.getHslF(&h, &s, &l, &alpha);
        l = darkBackground ? qMin(1.0f, l + 0.025f) : qMax(0.0f, l - 0.025f);
        color = QColor::fromHslF(h, s, l, alpha);
    }
    return color;
}

TrafficStyle TrafficStyle::fromPalette(const QPalette& palette)
{
    TrafficStyle style;
    const QColor base = palette.color(QPalette::Active, QPalette::Base);
    const QColor alternate = palette.color(QPalette::Active, QPalette::AlternateBase);
    const QColor text = palette.color(QPalette::Active, QPalette::Text);
    style.m_dark = luminance(base) < luminance(text);
    // Rows alternate between Base and AlternateBase: be readable on the worse of both.
    const QColor background =
        contrastRatio(text, alternate) < contrastRatio(text, base) ? alternate : base;

    const float lightness = style.m_dark ? 0.70f : 0.38f;
    style.m_errorText = readableOn(QColor::fromHslF(0.0f, 0.75f, lightness), background);
    style.m_blockedText = readableOn(QColor::fromHslF(30.0f / 360, 0.85f, lightness), background);
    style.m_runningText = readableOn(mix(text, base, 0.45), background, 3.0);

    const QColor outline = mix(text, base, 0.3);
    const QColor green = readableOn(QColor::fromHslF(130.0f / 360, 0.6f, 0.42f), base, 3.0);
    const QColor blue = readableOn(QColor::fromHslF(212.0f / 360, 0.75f, 0.5f), base, 3.0);
    const QColor grey = readableOn(mix(text, base, 0.5), base, 3.0);
    style.m_direct = badgeIcon(Shape::Disc, green, outline);
    style.m_exit = badgeIcon(Shape::Diamond, blue, outline);
    style.m_blocked = badgeIcon(Shape::BarredCircle, style.m_errorText, outline);
    style.m_local = badgeIcon(Shape::Square, grey, outline);
    return style;
}

QIcon TrafficStyle::routeIcon(TrafficRouteKind kind) const
{
    switch (kind) {
    case TrafficRouteKind::Direct:
        return m_direct;
    case TrafficRouteKind::Exit:
        return m_exit;
    case TrafficRouteKind::Blocked:
    case TrafficRouteKind::Refused:
        return m_blocked;
    case TrafficRouteKind::Local:
        return m_local;
    case TrafficRouteKind::Unknown:
        break;
    }
    return {};
}

} // namespace Switchyard
