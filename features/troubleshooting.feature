Feature: Troubleshooting: what the FAQ's readers meet when a step goes wrong
  The unhappy paths of procedures 2.5, 3.1 and 3.2, each tagged with the
  procedure it belongs to.

  @doc-3.1
  Scenario: A wrong code is refused, the right code then works
    Given "o365.sms" has the Multi-Factor Auth Status Enabled
    When "o365.sms" goes to the OWA site and logs in [3.1.2]
    And the user goes on to set up additional security verification [3.1.2]
    And the user selects "Authentication Phone", enters the country or region and the mobile phone number [3.1.3]
    And the user selects "Send me a code by text message" as method and clicks Next [3.1.3]
    Then a text message with a verification code reaches the user's phone [3.1.4]
    When the user enters a wrong verification code and clicks Verify [3.1.4]
    Then the page says the code is wrong and asks to try again [3.1.4]
    When the user enters the verification code from the text message and clicks Verify [3.1.4]
    Then the page shows an app password [3.1.4]

  @doc-3.1
  Scenario: The text message provider is down, and Retry works once it is back
    Given "o365.sms" has the Multi-Factor Auth Status Enabled
    And the text message provider is down
    When "o365.sms" goes to the OWA site and logs in [3.1.2]
    And the user goes on to set up additional security verification [3.1.2]
    And the user selects "Authentication Phone", enters the country or region and the mobile phone number [3.1.3]
    And the user selects "Send me a code by text message" as method and clicks Next [3.1.3]
    Then the page says a text message could not be sent [3.1.4]
    And no text message reached the user's phone [3.1.4]
    When the text message provider is back and the user clicks Retry [3.1.4]
    Then a text message with a verification code reaches the user's phone [3.1.4]
    When the user enters the verification code from the text message and clicks Verify [3.1.4]
    Then the page shows an app password [3.1.4]

  @doc-3.2
  Scenario: The call is not answered
    Given "o365.call" has the Multi-Factor Auth Status Enabled
    When "o365.call" goes to the OWA site and logs in [3.2.2]
    And the user goes on to set up additional security verification [3.2.2]
    And the user selects "Authentication Phone", enters the country or region and the mobile phone number [3.2.3]
    And the user selects "Call Me" as method and clicks Next [3.2.3]
    Then the user's phone rings [3.2.4]
    When the user lets the call ring out [3.2.4]
    Then the page says the call was not answered [3.2.4]

  @doc-3.2
  Scenario: A wrong key repeats the question, the pound key then works
    Given "o365.call" has the Multi-Factor Auth Status Enabled
    When "o365.call" goes to the OWA site and logs in [3.2.2]
    And the user goes on to set up additional security verification [3.2.2]
    And the user selects "Authentication Phone", enters the country or region and the mobile phone number [3.2.3]
    And the user selects "Call Me" as method and clicks Next [3.2.3]
    Then the user's phone rings [3.2.4]
    When the user answers the call and presses "1" [3.2.4]
    Then the call asks again for the pound key [3.2.4]
    When the user presses the pound key (#) [3.2.4]
    Then the page shows an app password [3.2.4]

  @doc-2.5
  Scenario: Once Enforced, the account password no longer works for a non-browser app
    Given "o365.enforced" has the Multi-Factor Auth Status Enforced
    When the backup app signs in to Exchange as "o365.enforced" with the account password [2.5]
    Then the backup app is refused: app password required [2.5]
