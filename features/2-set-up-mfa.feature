@doc-2
Feature: 2. Set up multi-factor authentication in Microsoft 365 admin center
  An admin reaches the per-user multi-factor authentication page from
  Active users, in Preview or Classic mode, finds the "o365" accounts and
  changes their Multi-Factor Auth Status with the quick steps.

  Every step ends with the number of the FAQ step it transcribes, in
  square brackets; steps without one are set-up.

  Background:
    Given the admin is signed in to Office 365

  Scenario: Preview mode: the triple dot after Export users leads to MFA set-up
    When the admin clicks the Admin Center icon in the Office 365 Main Menu [2.1]
    And the admin goes to Users > Active users [2.1]
    And the admin is using Preview mode [2.2a]
    And the admin clicks the triple dot (…) after "↓Export Users" and chooses "Setup Multifactor authentication" [2.2a]
    Then the multi-factor authentication page lists the users [2.2a]
    When the admin searches for "o365" [2.3]
    Then only accounts containing "o365" are listed [2.3]
    When the admin clicks the account "o365.sms" [2.4]
    Then the quick steps offer "Enable" for "o365.sms" [2.4]
    And the MULTI-FACTOR AUTH STATUS of "o365.sms" shows Disabled [2.5]

  Scenario: Classic mode: the More drop-down beside Add a user leads to MFA set-up
    When the admin clicks the Admin Center icon in the Office 365 Main Menu [2.1]
    And the admin goes to Users > Active users [2.1]
    And the admin is using Classic mode [2.2b]
    And the admin opens the "More" drop-down beside "+Add a user" and chooses "Multifactor Authentication setup" [2.2b]
    Then the multi-factor authentication page lists the users [2.2b]
    When the admin searches for "o365" [2.3]
    Then only accounts containing "o365" are listed [2.3]
    When the admin clicks the account "o365.call" [2.4]
    Then the quick steps offer "Enable" for "o365.call" [2.4]

  Scenario Outline: Quick steps: <action> turns <from> into <to>
    Given "o365.backup" has the Multi-Factor Auth Status <from>
    And the admin has opened the multi-factor authentication page
    When the admin searches for "o365" [2.3]
    And the admin clicks the account "o365.backup" [2.4]
    And the admin clicks "<action>" under quick steps and confirms [2.5]
    Then the MULTI-FACTOR AUTH STATUS of "o365.backup" shows <to> [2.5]

    Examples:
      | from     | action  | to       |
      | Disabled | Enable  | Enabled  |
      | Enabled  | Enforce | Enforced |
      | Enforced | Disable | Disabled |
      | Enabled  | Disable | Disabled |
      | Disabled | Enforce | Enforced |

  Scenario Outline: <status>: what a browser sign-in and a non-browser app get
    Given "o365.backup" has the Multi-Factor Auth Status <status>
    When "o365.backup" signs in to OWA in a browser with the account password [2.5]
    Then the browser sign-in <browser> [2.5]
    When the backup app signs in to Exchange as "o365.backup" with the account password [2.5]
    Then the backup app is <app> [2.5]

    Examples:
      | status   | browser                     | app      |
      | Disabled | goes straight to Outlook    | accepted |
      | Enabled  | asks for more information   | accepted |

  Scenario: Enforced: every login needs a second factor, non-browser apps an app password
    Given "o365.backup" has registered an authentication phone by text message and copied the app password
    And the MULTI-FACTOR AUTH STATUS of "o365.backup" shows Enforced [2.5]
    When "o365.backup" signs in to OWA in a browser with the account password [2.5]
    Then the browser sign-in asks for a verification code [2.5]
    When the backup app signs in to Exchange as "o365.backup" with the account password [2.5]
    Then the backup app is refused: app password required [2.5]
    When the backup app signs in to Exchange as "o365.backup" with the app password [2.5]
    Then the backup app is accepted [2.5]
