@doc-3.1
Feature: 3.1 Authentication phone (SMS)
  A user whose Multi-Factor Auth Status is Enabled registers a mobile phone
  by text message at the next sign-in, keeps an app password for non-browser
  apps, and is asked for a texted code at every sign-in after that.

  Scenario: Register by text message, then sign in again with a new texted code
    Given the admin is signed in to Office 365
    When the admin sets the Multi-Factor Auth Status of "o365.sms" to Enabled [3.1.1]
    Then the MULTI-FACTOR AUTH STATUS of "o365.sms" shows Enabled [3.1.1]
    When "o365.sms" goes to the OWA site and logs in [3.1.2]
    Then the page says "More information required" [3.1.2]
    When the user goes on to set up additional security verification [3.1.2]
    And the user selects "Authentication Phone", enters the country or region and the mobile phone number [3.1.3]
    And the user selects "Send me a code by text message" as method and clicks Next [3.1.3]
    Then a text message with a verification code reaches the user's phone [3.1.4]
    When the user enters the verification code from the text message and clicks Verify [3.1.4]
    Then the page shows an app password [3.1.4]
    When the user copies the app password and clicks Done [3.1.4]
    Then the user is signed in to Outlook [3.1.4]
    When the backup app signs in to Exchange as "o365.sms" with the app password [3.1.4]
    Then the backup app is accepted [3.1.4]
    When the user signs out and logs in again [3.1.5]
    Then another text message with a new verification code reaches the user's phone [3.1.5]
    And the page asks for the code texted to the masked phone number [3.1.5]
    When the user enters the verification code from the text message and clicks Verify [3.1.5]
    Then the user is signed in to Outlook [3.1.5]
    When the admin looks at the multi-factor authentication page [3.1.6]
    Then the MULTI-FACTOR AUTH STATUS of "o365.sms" shows Enforced [3.1.6]
