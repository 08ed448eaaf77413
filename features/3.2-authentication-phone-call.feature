@doc-3.2
Feature: 3.2 Authentication phone (Mobile Phone Call)
  A user whose Multi-Factor Auth Status is Enabled registers a mobile phone
  by answering a call and pressing the pound key, and is called again at
  every sign-in after that.

  Scenario: Register by phone call, then sign in again by answering a new call
    Given the admin is signed in to Office 365
    When the admin sets the Multi-Factor Auth Status of "o365.call" to Enabled [3.2.1]
    Then the MULTI-FACTOR AUTH STATUS of "o365.call" shows Enabled [3.2.1]
    When "o365.call" goes to the OWA site and logs in [3.2.2]
    Then the page says "More information required" [3.2.2]
    When the user goes on to set up additional security verification [3.2.2]
    And the user selects "Authentication Phone", enters the country or region and the mobile phone number [3.2.3]
    And the user selects "Call Me" as method and clicks Next [3.2.3]
    Then the user's phone rings [3.2.4]
    When the user answers the call and presses the pound key (#) [3.2.4]
    Then the page shows an app password [3.2.4]
    When the user copies the app password and clicks Done [3.2.4]
    Then the user is signed in to Outlook [3.2.4]
    When the user signs out and logs in again [3.2.5]
    Then the user's phone rings again [3.2.5]
    And the page asks the user to answer the call to the masked phone number [3.2.5]
    When the user answers the call and presses the pound key (#) [3.2.5]
    Then the user is signed in to Outlook [3.2.5]
    When the admin looks at the multi-factor authentication page [3.2.6]
    Then the MULTI-FACTOR AUTH STATUS of "o365.call" shows Enforced [3.2.6]
