@doc-4.1
Feature: 4.1 Office 365 settings changes would NOT immediately reflect in CloudBacko
  A change of MFA status or app passwords takes a while to take effect.
  Steps that depend on such a change wait for it, with bounded, logged
  retries, instead of raising a false alarm; a change that never takes
  effect is still reported, as not yet effective.

  Scenario: A status change that is not yet effective raises no false alarm
    Given settings changed in Office 365 take 1 second to take effect [4.1.1]
    And the admin is signed in to Office 365
    And the backup app signs in to Exchange as "o365.enforced" with the account password
    And the backup app is refused: app password required
    When the admin sets the Multi-Factor Auth Status of "o365.enforced" to Disabled [4.1.1]
    Then the MULTI-FACTOR AUTH STATUS of "o365.enforced" shows Disabled [4.1.1]
    When the backup app signs in to Exchange as "o365.enforced" with the account password [4.1.2]
    Then the backup app is accepted, once the change has taken effect [4.1.2]

  Scenario: A new status reaches browser sign-in only once it is effective
    Given settings changed in Office 365 take 1 second to take effect [4.1.1]
    And the admin is signed in to Office 365
    When the admin sets the Multi-Factor Auth Status of "o365.backup" to Enabled [4.1.1]
    And "o365.backup" signs in to OWA in a browser with the account password [4.1.2]
    Then the browser sign-in asks for more information, once the change has taken effect [4.1.2]

  Scenario: A change that never takes effect is reported as not yet effective
    Given settings changed in Office 365 take 60 seconds to take effect [4.1.1]
    And the admin is signed in to Office 365
    When the admin sets the Multi-Factor Auth Status of "o365.enforced" to Disabled [4.1.1]
    And the backup app signs in to Exchange as "o365.enforced" with the account password [4.1.1]
    Then waiting 0.5 seconds for the backup app to be accepted fails as not yet effective [4.1.1]
