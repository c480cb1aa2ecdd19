#include "AppTranslator.h"

#include <QCoreApplication>
#include <QDir>
#include <QLibraryInfo>
#include <QTranslator>

namespace Switchyard {

QStringList AppTranslator::available()
{
    QStringList languages;
    const QDir embedded(QStringLiteral(":/i18n"));
    for (QString name : embedded.entryList({QStringLiteral("switchyard_*.qm")}, QDir::Files)) {
        name.remove(0, int(qstrlen("switchyard_")));
        name.chop(int(qstrlen(".qm")));
        languages.append(name);
    }
    return languages;
}

QLocale AppTranslator::localeFor(const QString& language)
{
    return language.isEmpty() ? QLocale::system() : QLocale(language);
}

QString AppTranslator::install(QCoreApplication* app, const QString& language)
{
    const QLocale locale = localeFor(language);
    auto* own = new QTranslator(app);
    // QTranslator tries the UI languages in order ("fa-IR", "fa", …) and the
    // file-name variants of each.
    if (!own->load(locale, QStringLiteral("switchyard"), QStringLiteral("_"),
                   QStringLiteral(":/i18n"))) {
        delete own;
        return QStringLiteral("en");
    }
    app->installTranslator(own);
    auto* qt = new QTranslator(app);
    if (qt->load(locale, QStringLiteral("qtbase"), QStringLiteral("_"),
                 QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
        app->installTranslator(qt);
    else
        delete qt;
    QLocale::setDefault(locale);
    return own->language().isEmpty() ? locale.name() : own->language();
}

} // namespace Switchyard
