// The rules editor on the offscreen platform, driven like a user would: the
// real rule dialog (matcher and action picked from lists, invalid patterns
// marked and refused), duplicate, delete, enable, reorder by buttons and by
// drag and drop, explain, list import with its report, and an edit reaching a
// real running engine that curl sends a request through.

#include "CompiledRule.h"
#include "Curl.h"
#include "EngineFixture.h"
#include "LoopbackOrigin.h"
#include "RouteActionCombo.h"
#include "RuleEditDialog.h"
#include "RuleImportDialog.h"
#include "RuleTableModel.h"
#include "RulesPage.h"
#include "SecretStore.h"
#include "SecretsLoader.h"
#include "SettingsController.h"
#include "SettingsStore.h"

#include <QAbstractItemModelTester>
#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QMimeData>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <functional>
#include <memory>

using namespace Switchyard;
using namespace Qt::StringLiterals;

namespace {

/// The page with its dialogs answered by the test instead of a modal loop.
class TestableRulesPage : public RulesPage
{
public:
    using RulesPage::RulesPage;

    std::function<bool(RuleEditDialog*)> onRuleDialog;
    std::function<bool(RuleImportDialog*)> onImportDialog;
    QString importFile;
    int ruleDialogs = 0;
    int importDialogs = 0;
    QString lastImportReport;

protected:
    bool runRuleDialog(RuleEditDialog* dialog) override
    {
        ++ruleDialogs;
        return onRuleDialog && onRuleDialog(dialog);
    }
    QString chooseImportFile() override { return importFile; }
    bool runImportDialog(RuleImportDialog* dialog) override
    {
        ++importDialogs;
        lastImportReport = dialog->reportText();
        return onImportDialog && onImportDialog(dialog);
    }
};

UpstreamProfile exitProfile(const QString& id, const QString& name, quint16 port)
{
    UpstreamProfile profile;
    profile.id = id;
    profile.name = name;
    profile.type = UpstreamProfile::Type::Http;
    profile.host = u"127.0.0.1"_s;
    profile.port = port;
    return profile;
}

Rule makeRule(Rule::Matcher matcher, const QString& pattern, const RouteAction& action,
              bool enabled = true, const QString& comment = {})
{
    Rule rule;
    rule.matcher = matcher;
    rule.pattern = pattern;
    rule.action = action;
    rule.enabled = enabled;
    rule.comment = comment;
    return rule;
}

/// Picks the matcher, types the pattern, picks the action and comment, as a user would.
void fillDialog(RuleEditDialog* dialog, Rule::Matcher matcher, const QString& pattern,
                const RouteAction& action, const QString& comment = {})
{
    QComboBox* matchers = dialog->matcherBox();
    matchers->setCurrentIndex(matchers->findData(static_cast<int>(matcher)));
    dialog->patternEdit()->clear();
    QTest::keyClicks(dialog->patternEdit(), pattern);
    RouteActionCombo* actions = dialog->actionBox();
    actions->setCurrentIndex(actions->indexOf(action));
    dialog->commentEdit()->clear();
    QTest::keyClicks(dialog->commentEdit(), comment);
}

bool clickOk(QDialog* dialog, QPushButton* ok)
{
    if (!ok->isEnabled())
        return false;
    QTest::mouseClick(ok, Qt::LeftButton);
    return dialog->result() == QDialog::Accepted;
}

QModelIndexList rowIndexes(const QAbstractItemModel* model, const QList<int>& rows)
{
    QModelIndexList indexes;
    for (int row : rows) {
        for (int column = 0; column < model->columnCount(); ++column)
            indexes.append(model->index(row, column));
    }
    return indexes;
}

} // namespace

class TestRulesPage : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void showsRulesInOrder();
    void addRule();
    void editRule();
    void duplicateAndDelete();
    void enableAndDisable();
    void moveWithButtons();
    void dragAndDrop();
    void invalidPatternRefused_data();
    void invalidPatternRefused();
    void invalidRuleInSettingsMarked();
    void missingExitMarked();
    void explainSelectsWinningRule();
    void importAutoProxyList();
    void importPlainList();
    void importCancelledOrUnreadable();
    void changesReachRunningEngine();

private:
    void makeController(const SettingsDocument& document,
                        SettingsController::Overrides overrides = {});
    QList<Rule> rules() const { return m_controller->routing().rules; }
    /// The rules as the settings file now holds them.
    QList<Rule> savedRules() const;
    QString writeFile(const QString& name, const QByteArray& content) const;

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<SettingsStore> m_store;
    std::unique_ptr<SecretStore> m_secrets;
    std::unique_ptr<SecretsLoader> m_loader;
    std::unique_ptr<SettingsController> m_controller;
    std::unique_ptr<TestableRulesPage> m_page;
    std::unique_ptr<QAbstractItemModelTester> m_tester;
};

SettingsDocument standardDocument()
{
    SettingsDocument document;
    document.engine.profiles = {exitProfile(u"p-work"_s, u"Work"_s, 3128),
                                exitProfile(u"p-home"_s, u"Home"_s, 3129)};
    document.engine.routing.rules = {
        makeRule(Rule::Matcher::Domain, u"example.com"_s, RouteAction::through(u"p-work"_s)),
        makeRule(Rule::Matcher::Keyword, u"tracker"_s, RouteAction::block()),
        makeRule(Rule::Matcher::Port, u"8000-8999"_s, RouteAction::direct(), false,
                 u"dev servers"_s),
    };
    return document;
}

void TestRulesPage::makeController(const SettingsDocument& document,
                                   SettingsController::Overrides overrides)
{
    m_tester.reset();
    m_page.reset();
    m_controller.reset();
    m_store = std::make_unique<SettingsStore>(m_dir->filePath(u"settings.json"_s));
    QVERIFY(m_store->save(document).ok());
    m_loader->load(document);
    m_controller = std::make_unique<SettingsController>(document, m_store.get(), m_secrets.get(),
                                                        m_loader.get(), std::move(overrides));
    m_page = std::make_unique<TestableRulesPage>(m_controller.get());
    m_page->resize(900, 600);
    m_page->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_page.get()));
    // Checks every change the model announces, for the whole test.
    m_tester = std::make_unique<QAbstractItemModelTester>(
        m_page->model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
}

void TestRulesPage::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_secrets = std::make_unique<SecretStore>();
    m_loader = std::make_unique<SecretsLoader>(m_secrets.get());
    makeController(standardDocument());
}

void TestRulesPage::cleanup()
{
    m_tester.reset();
    m_page.reset();
    m_controller.reset();
    m_loader.reset();
    m_secrets.reset();
    m_store.reset();
    m_dir.reset();
}

QList<Rule> TestRulesPage::savedRules() const
{
    SettingsStore reader(m_dir->filePath(u"settings.json"_s));
    return reader.load(SettingsStore::LoadMode::ReadOnly).document.engine.routing.rules;
}

QString TestRulesPage::writeFile(const QString& name, const QByteArray& content) const
{
    const QString path = m_dir->filePath(name);
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(content) != content.size())
        return {};
    return path;
}

void TestRulesPage::showsRulesInOrder()
{
    RuleTableModel* model = m_page->model();
    QCOMPARE(model->rowCount(), 3);
    QCOMPARE(model->index(0, RuleTableModel::MatcherColumn).data().toString(), u"Domain"_s);
    QCOMPARE(model->index(0, RuleTableModel::PatternColumn).data().toString(), u"example.com"_s);
    QCOMPARE(model->index(0, RuleTableModel::ActionColumn).data().toString(), u"Through Work"_s);
    QCOMPARE(model->index(1, RuleTableModel::ActionColumn).data().toString(), u"Block"_s);
    QCOMPARE(model->index(2, RuleTableModel::ActionColumn).data().toString(), u"Direct"_s);
    QCOMPARE(model->index(2, RuleTableModel::CommentColumn).data().toString(), u"dev servers"_s);
    QCOMPARE(model->index(0, RuleTableModel::EnabledColumn).data(Qt::CheckStateRole).toInt(),
             int(Qt::Checked));
    QCOMPARE(model->index(2, RuleTableModel::EnabledColumn).data(Qt::CheckStateRole).toInt(),
             int(Qt::Unchecked));
    QCOMPARE(model->headerData(0, Qt::Vertical).toInt(), 1); // rule numbers as in logs
    QVERIFY(m_page->defaultActionLabel()->text().contains(u"Direct"_s));
    for (int row = 0; row < 3; ++row)
        QCOMPARE(model->problem(row), RuleTableModel::Problem::None);
    // Nothing selected: only Add makes sense.
    QVERIFY(m_page->addButton()->isEnabled());
    QVERIFY(!m_page->editButton()->isEnabled());
    QVERIFY(!m_page->deleteButton()->isEnabled());
}

void TestRulesPage::addRule()
{
    m_page->selectRows({0});
    Rule seen;
    m_page->onRuleDialog = [&](RuleEditDialog* dialog) {
        seen = dialog->rule();
        fillDialog(dialog, Rule::Matcher::ExactHost, u"login.example.com"_s, RouteAction::direct(),
                   u"single sign-on"_s);
        return clickOk(dialog, dialog->okButton());
    };
    QTest::mouseClick(m_page->addButton(), Qt::LeftButton);
    QCOMPARE(m_page->ruleDialogs, 1);
    QVERIFY(seen.pattern.isEmpty()); // a fresh rule
    QVERIFY(seen.enabled);

    const Rule expected = makeRule(Rule::Matcher::ExactHost, u"login.example.com"_s,
                                   RouteAction::direct(), true, u"single sign-on"_s);
    // Inserted after the selected rule, saved, and selected.
    QCOMPARE(rules().size(), 4);
    QCOMPARE(rules().at(1), expected);
    QCOMPARE(savedRules(), rules());
    QCOMPARE(m_page->selectedRows(), QList<int>{1});
    QCOMPARE(m_page->model()->index(1, RuleTableModel::PatternColumn).data().toString(),
             u"login.example.com"_s);

    // Nothing selected: the new rule goes last; "through an exit" from the list.
    m_page->view()->clearSelection();
    m_page->onRuleDialog = [&](RuleEditDialog* dialog) {
        fillDialog(dialog, Rule::Matcher::Wildcard, u"*.cdn.example.*"_s,
                   RouteAction::through(u"p-home"_s));
        return clickOk(dialog, dialog->okButton());
    };
    QTest::mouseClick(m_page->addButton(), Qt::LeftButton);
    QCOMPARE(rules().size(), 5);
    QCOMPARE(rules().last().action, RouteAction::through(u"p-home"_s));
    QCOMPARE(rules().last().matcher, Rule::Matcher::Wildcard);
    QCOMPARE(m_page->model()->index(4, RuleTableModel::ActionColumn).data().toString(),
             u"Through Home"_s);
    QCOMPARE(savedRules(), rules());
}

void TestRulesPage::editRule()
{
    const QList<Rule> before = rules();
    m_page->selectRows({1});
    QVERIFY(m_page->editButton()->isEnabled());

    // Cancelled: nothing changes.
    m_page->onRuleDialog = [](RuleEditDialog* dialog) {
        QTest::keyClicks(dialog->patternEdit(), u"-changed"_s);
        dialog->reject();
        return false;
    };
    QTest::mouseClick(m_page->editButton(), Qt::LeftButton);
    QCOMPARE(rules(), before);

    Rule shown;
    m_page->onRuleDialog = [&](RuleEditDialog* dialog) {
        shown = dialog->rule();
        fillDialog(dialog, Rule::Matcher::Keyword, u"beacon"_s, RouteAction::through(u"p-home"_s),
                   u"analytics"_s);
        dialog->enabledBox()->setChecked(false);
        return clickOk(dialog, dialog->okButton());
    };
    QTest::mouseClick(m_page->editButton(), Qt::LeftButton);
    QCOMPARE(shown, before.at(1)); // the dialog showed the rule as it was
    QCOMPARE(rules().size(), 3);
    QCOMPARE(rules().at(1), makeRule(Rule::Matcher::Keyword, u"beacon"_s,
                                     RouteAction::through(u"p-home"_s), false, u"analytics"_s));
    QCOMPARE(rules().at(0), before.at(0));
    QCOMPARE(rules().at(2), before.at(2));
    QCOMPARE(savedRules(), rules());
    QCOMPARE(m_page->selectedRows(), QList<int>{1});

    // A double click on the pattern opens the same dialog.
    m_page->onRuleDialog = [](RuleEditDialog*) {
        return false;
    };
    const QRect cell =
        m_page->view()->visualRect(m_page->model()->index(0, RuleTableModel::PatternColumn));
    m_page->view()->selectRow(0);
    QTest::mouseClick(m_page->view()->viewport(), Qt::LeftButton, {}, cell.center());
    QTest::mouseDClick(m_page->view()->viewport(), Qt::LeftButton, {}, cell.center());
    QCOMPARE(m_page->ruleDialogs, 3);
}

void TestRulesPage::duplicateAndDelete()
{
    const QList<Rule> before = rules();
    m_page->selectRows({0, 2});
    QVERIFY(m_page->duplicateButton()->isEnabled());
    QVERIFY(!m_page->editButton()->isEnabled()); // edit is for one rule
    QTest::mouseClick(m_page->duplicateButton(), Qt::LeftButton);
    QCOMPARE(rules().size(), 5);
    QCOMPARE(rules().at(3), before.at(0));
    QCOMPARE(rules().at(4), before.at(2));
    QCOMPARE(m_page->selectedRows(), (QList<int>{3, 4}));
    QCOMPARE(savedRules(), rules());

    // Multi-select delete removes exactly the copies.
    QTest::mouseClick(m_page->deleteButton(), Qt::LeftButton);
    QCOMPARE(rules(), before);
    QVERIFY(m_page->messageLabel()->text().contains(u"2"_s));

    // The Delete key on the table does the same.
    m_page->selectRows({1});
    m_page->view()->setFocus();
    QTest::keyClick(m_page->view(), Qt::Key_Delete);
    QCOMPARE(rules(), (QList<Rule>{before.at(0), before.at(2)}));
    QCOMPARE(savedRules(), rules());
    QCOMPARE(m_page->model()->rowCount(), 2);
}

void TestRulesPage::enableAndDisable()
{
    QSignalSpy engineChanges(m_controller.get(), &SettingsController::engineSettingsChanged);
    m_page->selectRows({0, 1});
    QVERIFY(m_page->disableButton()->isEnabled());
    QVERIFY(!m_page->enableButton()->isEnabled()); // both are enabled already
    QTest::mouseClick(m_page->disableButton(), Qt::LeftButton);
    QVERIFY(!rules().at(0).enabled);
    QVERIFY(!rules().at(1).enabled);
    QVERIFY(!rules().at(2).enabled);
    QCOMPARE(engineChanges.size(), 1); // one change, one push to the engine
    QVERIFY(!engineChanges.constFirst()
                 .constFirst()
                 .value<EngineSettings>()
                 .routing.rules.at(0)
                 .enabled);
    QCOMPARE(m_page->selectedRows(), (QList<int>{0, 1})); // selection kept
    QVERIFY(m_page->enableButton()->isEnabled());
    QVERIFY(!m_page->disableButton()->isEnabled());
    QVERIFY(m_page->model()
                ->index(0, RuleTableModel::PatternColumn)
                .data(Qt::FontRole)
                .value<QFont>()
                .italic());

    m_page->selectRows({1, 2});
    QTest::mouseClick(m_page->enableButton(), Qt::LeftButton);
    QVERIFY(!rules().at(0).enabled);
    QVERIFY(rules().at(1).enabled);
    QVERIFY(rules().at(2).enabled);

    // The check box in the table, through the model like the view's delegate.
    RuleTableModel* model = m_page->model();
    const QModelIndex check = model->index(0, RuleTableModel::EnabledColumn);
    QVERIFY(model->flags(check) & Qt::ItemIsUserCheckable);
    QVERIFY(model->setData(check, Qt::Checked, Qt::CheckStateRole));
    QVERIFY(rules().at(0).enabled);
    // An invalid value (what a view clearing a dragged cell would send) changes nothing.
    QVERIFY(!model->setData(check, QVariant(), Qt::CheckStateRole));
    QVERIFY(rules().at(0).enabled);
    QCOMPARE(savedRules(), rules());
}

void TestRulesPage::moveWithButtons()
{
    const QList<Rule> before = rules();
    m_page->selectRows({2});
    QVERIFY(!m_page->moveDownButton()->isEnabled()); // already last
    QTest::mouseClick(m_page->moveUpButton(), Qt::LeftButton);
    QCOMPARE(rules(), (QList<Rule>{before.at(0), before.at(2), before.at(1)}));
    QCOMPARE(m_page->selectedRows(), QList<int>{1});
    QTest::mouseClick(m_page->moveUpButton(), Qt::LeftButton);
    QCOMPARE(rules(), (QList<Rule>{before.at(2), before.at(0), before.at(1)}));
    QCOMPARE(m_page->selectedRows(), QList<int>{0});
    QVERIFY(!m_page->moveUpButton()->isEnabled()); // now first

    // Two rules move as a block.
    m_page->selectRows({0, 1});
    QTest::mouseClick(m_page->moveDownButton(), Qt::LeftButton);
    QCOMPARE(rules(), (QList<Rule>{before.at(1), before.at(2), before.at(0)}));
    QCOMPARE(m_page->selectedRows(), (QList<int>{1, 2}));
    QCOMPARE(savedRules(), rules());
}

void TestRulesPage::dragAndDrop()
{
    const QList<Rule> before = rules();
    RuleTableModel* model = m_page->model();
    QCOMPARE(model->supportedDropActions(), Qt::MoveAction);
    QVERIFY(model->flags(model->index(0, 1)) & Qt::ItemIsDragEnabled);
    QVERIFY(model->flags(QModelIndex()) & Qt::ItemIsDropEnabled);
    QVERIFY(!(model->flags(model->index(0, 1)) & Qt::ItemIsDropEnabled)); // only between rows
    QSignalSpy dropped(model, &RuleTableModel::rulesDropped);

    // Drag the first two rules below the last.
    std::unique_ptr<QMimeData> mime(model->mimeData(rowIndexes(model, {0, 1})));
    QVERIFY(mime->hasFormat(RuleTableModel::mimeType()));
    QVERIFY(model->canDropMimeData(mime.get(), Qt::MoveAction, 3, 0, {}));
    QVERIFY(!model->canDropMimeData(mime.get(), Qt::CopyAction, 3, 0, {}));
    QVERIFY(model->dropMimeData(mime.get(), Qt::MoveAction, 3, 0, {}));
    QCOMPARE(rules(), (QList<Rule>{before.at(2), before.at(0), before.at(1)}));
    QCOMPARE(dropped.size(), 1);
    QCOMPARE(dropped.constFirst().constFirst().value<QList<int>>(), (QList<int>{1, 2}));
    QCOMPARE(m_page->selectedRows(), (QList<int>{1, 2})); // the moved rules stay selected
    // What a view does after a move drop: remove the source rows. The model moved
    // them already and must not lose any.
    QVERIFY(!model->removeRows(0, 2));
    QCOMPARE(rules().size(), 3);

    // Dropped onto a rule (row -1, parent = that rule): it goes before it.
    mime.reset(model->mimeData(rowIndexes(model, {2})));
    QVERIFY(model->dropMimeData(mime.get(), Qt::MoveAction, -1, -1, model->index(0, 2)));
    QCOMPARE(rules(), (QList<Rule>{before.at(1), before.at(2), before.at(0)}));
    // Below the last row (row -1, no parent): the end.
    mime.reset(model->mimeData(rowIndexes(model, {0})));
    QVERIFY(model->dropMimeData(mime.get(), Qt::MoveAction, -1, -1, {}));
    QCOMPARE(rules(), (QList<Rule>{before.at(2), before.at(0), before.at(1)}));
    QCOMPARE(savedRules(), rules());

    // Rows from another model (another window) are not ours to move.
    RuleTableModel other(m_controller.get());
    mime.reset(other.mimeData(rowIndexes(&other, {0})));
    QVERIFY(!model->canDropMimeData(mime.get(), Qt::MoveAction, 2, 0, {}));
    QVERIFY(!model->dropMimeData(mime.get(), Qt::MoveAction, 2, 0, {}));
    QMimeData foreign;
    foreign.setText(u"domain:evil.test -> direct"_s);
    QVERIFY(!model->canDropMimeData(&foreign, Qt::MoveAction, 0, 0, {}));
    QCOMPARE(rules(), (QList<Rule>{before.at(2), before.at(0), before.at(1)}));
}

void TestRulesPage::invalidPatternRefused_data()
{
    QTest::addColumn<Rule::Matcher>("matcher");
    QTest::addColumn<QString>("pattern");
    QTest::addColumn<QString>("reasonPart");

    QTest::newRow("bad host regex") << Rule::Matcher::HostRegex << u"^(ads[0-9"_s << u""_s;
    QTest::newRow("bad url regex") << Rule::Matcher::UrlRegex << u"^http://(a|b/"_s << u""_s;
    QTest::newRow("prefix too long") << Rule::Matcher::IpCidr << u"10.0.0.0/33"_s << u""_s;
    QTest::newRow("not an address") << Rule::Matcher::IpCidr << u"10.0.0.300/8"_s << u""_s;
    QTest::newRow("bad port range") << Rule::Matcher::Port << u"9000-80"_s << u""_s;
}

void TestRulesPage::invalidPatternRefused()
{
    QFETCH(Rule::Matcher, matcher);
    QFETCH(QString, pattern);
    const QString reason = CompiledRule::checkPattern(matcher, pattern);
    QVERIFY2(!reason.isEmpty(), "the engine must reject this pattern");
    const QList<Rule> before = rules();

    bool okEnabled = true;
    bool accepted = true;
    QString message;
    QString tooltip;
    bool marked = false;
    m_page->onRuleDialog = [&](RuleEditDialog* dialog) {
        fillDialog(dialog, matcher, pattern, RouteAction::block());
        okEnabled = dialog->okButton()->isEnabled();
        message = dialog->message();
        tooltip = dialog->patternEdit()->toolTip();
        for (QAction* action : dialog->patternEdit()->actions())
            marked = marked || action->isVisible();
        // Even forced (Enter in the field, a script), the dialog does not save it.
        dialog->accept();
        accepted = dialog->result() == QDialog::Accepted;
        // Fixing it makes it savable.
        dialog->patternEdit()->setText(u"10.0.0.0/8"_s);
        dialog->matcherBox()->setCurrentIndex(
            dialog->matcherBox()->findData(static_cast<int>(Rule::Matcher::IpCidr)));
        if (!dialog->okButton()->isEnabled() || !dialog->message().isEmpty())
            return false;
        dialog->reject();
        return false;
    };
    QTest::mouseClick(m_page->addButton(), Qt::LeftButton);
    QCOMPARE(m_page->ruleDialogs, 1);
    QVERIFY(!okEnabled);
    QVERIFY(!accepted);
    QVERIFY2(message.contains(reason), qPrintable(message));
    QVERIFY2(tooltip.contains(reason), qPrintable(tooltip));
    QVERIFY(marked); // the warning icon in the field
    QCOMPARE(rules(), before);

    // The controller refuses it too, whoever asks, and names the rule.
    QString error;
    QVERIFY(
        !m_page->model()->appendRules({makeRule(matcher, pattern, RouteAction::block())}, &error));
    QVERIFY2(error.contains(reason), qPrintable(error));
    QVERIFY2(error.contains(u"Rule 4"_s), qPrintable(error));
    QCOMPARE(rules(), before);
    QCOMPARE(savedRules(), before);
}

void TestRulesPage::invalidRuleInSettingsMarked()
{
    // A settings document that already holds a bad pattern (written by hand, or
    // by an older version): the table marks it in place with the reason.
    SettingsDocument document = standardDocument();
    document.engine.routing.rules.insert(
        1, makeRule(Rule::Matcher::HostRegex, u"(unclosed"_s, RouteAction::block()));
    makeController(document);
    RuleTableModel* model = m_page->model();
    QCOMPARE(model->problem(1), RuleTableModel::Problem::InvalidPattern);
    const QString reason = CompiledRule::checkPattern(Rule::Matcher::HostRegex, u"(unclosed"_s);
    const QModelIndex pattern = model->index(1, RuleTableModel::PatternColumn);
    QVERIFY(pattern.data(Qt::ToolTipRole).toString().contains(reason));
    QVERIFY(!pattern.data(Qt::DecorationRole).value<QIcon>().isNull());
    QCOMPARE(pattern.data(RuleTableModel::ProblemRole).toInt(),
             int(RuleTableModel::Problem::InvalidPattern));
    QCOMPARE(model->problem(0), RuleTableModel::Problem::None);

    // Fixing it through the editor clears the mark.
    m_page->selectRows({1});
    bool okEnabled = true;
    QString message;
    m_page->onRuleDialog = [&](RuleEditDialog* dialog) {
        okEnabled = dialog->okButton()->isEnabled();
        message = dialog->message();
        dialog->patternEdit()->setText(u"^ads\\."_s);
        return clickOk(dialog, dialog->okButton());
    };
    QTest::mouseClick(m_page->editButton(), Qt::LeftButton);
    QVERIFY(!okEnabled);
    QVERIFY2(message.contains(reason), qPrintable(message));
    QCOMPARE(rules().at(1).pattern, u"^ads\\."_s);
    QCOMPARE(model->problem(1), RuleTableModel::Problem::None);
    QVERIFY(model->index(1, RuleTableModel::PatternColumn).data(Qt::DecorationRole).isNull());
}

void TestRulesPage::missingExitMarked()
{
    RuleTableModel* model = m_page->model();
    QCOMPARE(model->problem(0), RuleTableModel::Problem::None);
    QString error;
    QVERIFY2(m_controller->removeProfile(u"p-work"_s, &error), qPrintable(error));
    // The rule stays, and says its traffic is blocked.
    QCOMPARE(model->rowCount(), 3);
    QCOMPARE(model->problem(0), RuleTableModel::Problem::MissingExit);
    const QModelIndex action = model->index(0, RuleTableModel::ActionColumn);
    QCOMPARE(action.data().toString(), u"blocked: exit missing"_s);
    QVERIFY(!action.data(Qt::DecorationRole).value<QIcon>().isNull());
    QVERIFY(action.data(Qt::ToolTipRole).toString().contains(u"blocked"_s));

    // The editor keeps the missing exit as it is unless the user picks another.
    m_page->selectRows({0});
    RouteAction shown;
    m_page->onRuleDialog = [&](RuleEditDialog* dialog) {
        shown = dialog->actionBox()->action();
        dialog->actionBox()->setCurrentIndex(
            dialog->actionBox()->indexOf(RouteAction::through(u"p-home"_s)));
        return clickOk(dialog, dialog->okButton());
    };
    QTest::mouseClick(m_page->editButton(), Qt::LeftButton);
    QCOMPARE(shown, RouteAction::through(u"p-work"_s));
    QCOMPARE(rules().at(0).action, RouteAction::through(u"p-home"_s));
    QCOMPARE(model->problem(0), RuleTableModel::Problem::None);
}

void TestRulesPage::explainSelectsWinningRule()
{
    const auto explain = [this](const QString& text) {
        m_page->explainEdit()->clear();
        QTest::keyClicks(m_page->explainEdit(), text);
        QTest::keyClick(m_page->explainEdit(), Qt::Key_Return);
        return m_page->explainResult()->text();
    };

    QString result = explain(u"http://www.example.com/page"_s);
    QCOMPARE(m_page->selectedRows(), QList<int>{0});
    QVERIFY2(result.contains(u"#1"_s) && result.contains(u"Work"_s), qPrintable(result));

    result = explain(u"cdn.tracker.test:443"_s);
    QCOMPARE(m_page->selectedRows(), QList<int>{1});
    QVERIFY2(result.contains(u"#2"_s) && result.contains(u"Blocked"_s), qPrintable(result));

    // The port rule is disabled: the default action decides, and no row is selected.
    result = explain(u"http://dev.test:8080/"_s);
    QVERIFY(m_page->selectedRows().isEmpty());
    QVERIFY2(result.contains(u"default"_s) && result.contains(u"Direct"_s), qPrintable(result));

    // Enabled, it wins.
    QVERIFY(m_page->model()->setRulesEnabled({2}, true));
    result = explain(u"http://dev.test:8080/"_s);
    QCOMPARE(m_page->selectedRows(), QList<int>{2});
    QVERIFY2(result.contains(u"#3"_s), qPrintable(result));

    // With the button, too; and input that is no URL gets a reason, not a guess.
    m_page->explainEdit()->setText(u"http://[::1/"_s);
    QTest::mouseClick(m_page->explainButton(), Qt::LeftButton);
    QVERIFY(m_page->selectedRows().isEmpty());
    QVERIFY2(m_page->explainResult()->text().startsWith(u"Cannot explain"_s),
             qPrintable(m_page->explainResult()->text()));
}

void TestRulesPage::importAutoProxyList()
{
    const QByteArray list = "[AutoProxy 0.2.9]\n"
                            "! a comment\n"
                            "||blocked.test\n"
                            "|http://ads.test/banner\n"
                            "\n"
                            "@@||ok.blocked.test\n"
                            "example.org##.ad-box\n"
                            "||script.test^$third-party\n";
    m_page->importFile = writeFile(u"autoproxy.txt"_s, list);
    QVERIFY(!m_page->importFile.isEmpty());
    const QList<Rule> before = rules();
    int offered = -1;
    m_page->onImportDialog = [&](RuleImportDialog* dialog) {
        offered = int(dialog->rules().size());
        // The new rules go through Home.
        dialog->actionBox()->setCurrentIndex(
            dialog->actionBox()->indexOf(RouteAction::through(u"p-home"_s)));
        return clickOk(dialog, dialog->okButton());
    };
    QTest::mouseClick(m_page->importButton(), Qt::LeftButton);
    QCOMPARE(m_page->importDialogs, 1);

    // The report: the format, the counts and every skipped line with its reason.
    const QString report = m_page->lastImportReport;
    QVERIFY2(report.contains(u"AutoProxy"_s), qPrintable(report));
    QVERIFY2(report.contains(u"3 rule(s) from 8 line(s)"_s), qPrintable(report));
    QVERIFY2(report.contains(u"2 entry(ies) skipped"_s), qPrintable(report));
    QVERIFY2(report.contains(u"line 7: example.org##.ad-box"_s), qPrintable(report));
    QVERIFY2(report.contains(u"line 8: ||script.test^$third-party"_s), qPrintable(report));

    QCOMPARE(offered, 3);
    QCOMPARE(rules().size(), before.size() + 3);
    QCOMPARE(rules().mid(0, before.size()), before); // appended, existing ones untouched
    const QList<Rule> added = rules().mid(before.size());
    // The exception first, direct; the others through the chosen exit.
    QCOMPARE(added.at(0).matcher, Rule::Matcher::Domain);
    QCOMPARE(added.at(0).pattern, u"ok.blocked.test"_s);
    QCOMPARE(added.at(0).action, RouteAction::direct());
    QCOMPARE(added.at(1).pattern, u"blocked.test"_s);
    QCOMPARE(added.at(1).action, RouteAction::through(u"p-home"_s));
    QCOMPARE(added.at(2).matcher, Rule::Matcher::UrlRegex);
    QCOMPARE(added.at(2).action, RouteAction::through(u"p-home"_s));
    QVERIFY(added.at(1).comment.contains(u"autoproxy.txt"_s));
    QCOMPARE(savedRules(), rules());
    QVERIFY2(m_page->messageLabel()->text().contains(u"Imported 3 rule(s)"_s),
             qPrintable(m_page->messageLabel()->text()));
    QCOMPARE(m_page->selectedRows(), (QList<int>{3, 4, 5}));

    // gfwlist is distributed base64-wrapped: the same list imports the same way.
    m_page->importFile = writeFile(u"gfwlist.txt"_s, list.toBase64());
    bool base64 = false;
    int wrapped = -1;
    m_page->onImportDialog = [&](RuleImportDialog* dialog) {
        base64 = dialog->result().base64;
        wrapped = int(dialog->result().rules.size());
        dialog->reject();
        return false;
    };
    QTest::mouseClick(m_page->importButton(), Qt::LeftButton);
    QVERIFY(base64);
    QCOMPARE(wrapped, 3);
    QVERIFY2(m_page->lastImportReport.contains(u"base64"_s), qPrintable(m_page->lastImportReport));
    QCOMPARE(rules().size(), before.size() + 3);
}

void TestRulesPage::importPlainList()
{
    const QByteArray list = "# blocklist\n"
                            "0.0.0.0 ads.example.test track.example.test\n"
                            "127.0.0.1 localhost\n"
                            "*.cdn.test\n"
                            "bad host name!\n"
                            "10.1.0.0/16\n";
    m_page->importFile = writeFile(u"hosts.txt"_s, list);
    const QList<Rule> before = rules();
    RouteAction offered;
    m_page->onImportDialog = [&](RuleImportDialog* dialog) {
        offered = dialog->actionBox()->action();
        dialog->actionBox()->setCurrentIndex(dialog->actionBox()->indexOf(RouteAction::block()));
        return clickOk(dialog, dialog->okButton());
    };
    QTest::mouseClick(m_page->importButton(), Qt::LeftButton);
    // The first exit is offered for a list's rules (never "direct" unasked).
    QCOMPARE(offered, RouteAction::through(u"p-work"_s));
    const QString report = m_page->lastImportReport;
    QVERIFY2(report.contains(u"plain host list"_s), qPrintable(report));
    QVERIFY2(report.contains(u"bad host name!"_s), qPrintable(report));

    const QList<Rule> added = rules().mid(before.size());
    QStringList patterns;
    for (const Rule& rule : added) {
        patterns.append(rule.pattern);
        QCOMPARE(rule.action, RouteAction::block());
    }
    QVERIFY2(patterns.contains(u"ads.example.test"_s), qPrintable(patterns.join(u' ')));
    QVERIFY(patterns.contains(u"track.example.test"_s));
    QVERIFY(patterns.contains(u"cdn.test"_s));
    QVERIFY(patterns.contains(u"10.1.0.0/16"_s));
    QVERIFY(!patterns.contains(u"localhost"_s));
    QCOMPARE(savedRules(), rules());
}

void TestRulesPage::importCancelledOrUnreadable()
{
    const QList<Rule> before = rules();
    // Cancelled file dialog: no import dialog at all.
    m_page->importFile.clear();
    QTest::mouseClick(m_page->importButton(), Qt::LeftButton);
    QCOMPARE(m_page->importDialogs, 0);
    // A file that cannot be read: the reason, no dialog.
    m_page->importFile = m_dir->filePath(u"does-not-exist.txt"_s);
    QTest::mouseClick(m_page->importButton(), Qt::LeftButton);
    QCOMPARE(m_page->importDialogs, 0);
    QVERIFY2(m_page->messageLabel()->text().contains(u"does-not-exist.txt"_s),
             qPrintable(m_page->messageLabel()->text()));
    // A list with nothing usable: the report says why, and OK is off.
    m_page->importFile = writeFile(u"junk.txt"_s, "[AutoProxy]\n##.banner\n");
    bool okEnabled = true;
    m_page->onImportDialog = [&](RuleImportDialog* dialog) {
        okEnabled = dialog->okButton()->isEnabled();
        return false;
    };
    QTest::mouseClick(m_page->importButton(), Qt::LeftButton);
    QCOMPARE(m_page->importDialogs, 1);
    QVERIFY(!okEnabled);
    QVERIFY2(m_page->lastImportReport.contains(u"##.banner"_s),
             qPrintable(m_page->lastImportReport));
    QCOMPARE(rules(), before);
}

void TestRulesPage::changesReachRunningEngine()
{
    // The controller's settings, on a free port, as the application runs them.
    makeController(standardDocument(), [](EngineSettings* settings) {
        settings->listenAddress = QHostAddress(QHostAddress::LocalHost);
        settings->listenPort = 0;
        settings->logFlushIntervalMs = 20;
    });
    LoopbackOrigin origin;
    QVERIFY(origin.start());
    EngineFixture fixture;
    QVERIFY2(fixture.start(m_controller->engineSettings()), qPrintable(fixture.errorString()));
    connect(m_controller.get(), &SettingsController::engineSettingsChanged, &fixture.engine(),
            &Engine::applySettings);

    const QString url = origin.url(u"/bytes/16"_s);
    const auto statusThroughEngine = [&] {
        const CurlResult result =
            Curl::run({u"-x"_s, fixture.proxyUrl(), u"-o"_s, u"/dev/null"_s, url}, 10);
        return result.first().httpCode();
    };
    // The engine applies settings in its own thread: give it a few tries (bounded).
    const auto waitForStatus = [&](int wanted) {
        int status = 0;
        for (int attempt = 0; attempt < 25; ++attempt) {
            status = statusThroughEngine();
            if (status == wanted)
                break;
            QTest::qWait(100);
        }
        return status;
    };
    QCOMPARE(statusThroughEngine(), 200);

    // A block rule added in the editor blocks the very next request.
    m_page->onRuleDialog = [&](RuleEditDialog* dialog) {
        fillDialog(dialog, Rule::Matcher::IpCidr, u"127.0.0.1/32"_s, RouteAction::block(),
                   u"block the origin"_s);
        return clickOk(dialog, dialog->okButton());
    };
    m_page->view()->clearSelection();
    QTest::mouseClick(m_page->addButton(), Qt::LeftButton);
    QCOMPARE(rules().size(), 4);
    QCOMPARE(waitForStatus(403), 403);
    const auto blocked =
        fixture.waitForFinished([](const LogEvent& event) { return event.status == 403; }, 5000);
    QVERIFY(blocked.has_value());
    QVERIFY2(blocked->rule.contains(u"127.0.0.1/32"_s), qPrintable(blocked->rule));

    // Disabled, it lets traffic through; enabled again, it blocks.
    m_page->selectRows({3});
    QTest::mouseClick(m_page->disableButton(), Qt::LeftButton);
    QCOMPARE(waitForStatus(200), 200);
    QTest::mouseClick(m_page->enableButton(), Qt::LeftButton);
    QCOMPARE(waitForStatus(403), 403);

    // Deleted, the origin answers again.
    QTest::mouseClick(m_page->deleteButton(), Qt::LeftButton);
    QCOMPARE(rules().size(), 3);
    QCOMPARE(waitForStatus(200), 200);
    QVERIFY(origin.findRequest("/bytes/16").has_value());
}

QTEST_MAIN(TestRulesPage)

#include "tst_rulespage.moc"
