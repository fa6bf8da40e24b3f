# The words cletrial shows, in English. One message per id: a kind of record (record-*), a
# field (field-*), a coded value (value-<field>-<code>), a CLASI area (clasi-area-*).
# Keep ids as the record names them; translate only the text after "=".

## Kinds of record

record-study = study
record-site = site
record-user = user
record-grant = role grant
record-subject = subject
record-visit = visit
record-signature = signature
record-clasi = CLASI
record-lab = lab result
record-dose = dose
record-adverse_event = adverse event
record-sledai = SLEDAI-2K
record-decision = protocol decision
record-eligibility = eligibility checklist
record-disposition = disposition
record-protocol_event = protocol event
record-deviation = protocol deviation
record-randomisation = randomisation
record-unblinding = emergency unblinding
record-conmed = concomitant medication
record-history = medical history
record-nerve_conduction = nerve conduction
record-nerve_conduction_study = nerve conduction study
record-download = download
record-query = data query
record-api_token = API token
record-verification = source data verification
record-lock = lock

## Fields (the record's columns)
field-abnormal = abnormal
field-action = action
field-action_taken = action taken with the study drug
field-activity = CLASI activity
field-actual_date = date done
field-age_years = age (years)
field-alopecia = alopecia
field-amount = amount
field-amplitude_uv = amplitude (µV)
field-answer = answer
field-arthritis = arthritis
field-assessed_on = assessed on
field-birth_date = birth date
field-category = category
field-causality = relationship to the study drug
field-code = code
field-collected_on = collected on
field-consent = consent
field-consent_date = consent date
field-content_sha256 = content fingerprint (SHA-256)
field-cranial_nerve_disorder = cranial nerve disorder
field-credential_sha256 = password fingerprint
field-ctcae_grade = CTCAE grade
field-cva = cerebrovascular accident
field-daily_dose_mg = daily dose (mg)
field-damage = CLASI damage
field-decided_on = decided on
field-description = description
field-details = details
field-disabled = disabled
field-disposition_date = disposition date
field-dose = dose
field-dose_level = dose level
field-drug = drug
field-dyspigmentation_lasts_12_months = dyspigmentation lasting 12 months or more
field-eligible = eligible
field-end_date = end date
field-enrolment_date = enrolment date
field-entity = record
field-evaluated_on = evaluated on
field-event = event
field-expires_on = expires on
field-explanation = explanation
field-fever = fever
field-field = field
field-finding = finding
field-followed = decision followed
field-frequency = frequency
field-grade = grade
field-hematuria = haematuria
field-increased_dna_binding = increased DNA binding
field-indication = indication
field-is_admin = administrator
field-label = label
field-leukopenia = leukopenia
field-lln = lower limit of normal
field-login = login
field-low_complement = low complement
field-lupus_headache = lupus headache
field-major = major
field-meaning = meaning of the signature
field-meddra_code = MedDRA code
field-medication = medication
field-mucosal_ulcers = mucosal ulcers
field-mucous_membrane = mucous membrane lesions
field-must_change_password = must change the password
field-myositis = myositis
field-name = name
field-nerve = nerve
field-nonscarring_alopecia = non-scarring alopecia
field-not_followed_reason = why the decision was not followed
field-note = note
field-occurred_on = occurred on
field-ongoing = ongoing
field-onset_date = onset date
field-organic_brain_syndrome = organic brain syndrome
field-outcome = outcome
field-pericarditis = pericarditis
field-phase = phase
field-planned_date = planned date
field-pleurisy = pleurisy
field-printed_name = printed name
field-proteinuria = proteinuria
field-protocol_sha256 = protocol fingerprint (SHA-256)
field-protocol_text = protocol
field-protocol_version = protocol version
field-number = randomisation number
field-levels = stratification levels
field-stratum = stratum
field-place = place in the stratum
field-randomised_on = randomised on
field-unblinded_on = unblinded on
field-reason = reason
field-psychosis = psychosis
field-pyuria = pyuria
field-question = question
field-rash = rash
field-recall_window = recall window
field-recent_hair_loss = recent hair loss
field-record_id = record number
field-result = result
field-role = role
field-route = route
field-scarring_alopecia = scarring alopecia
field-score = score
field-screening_date = screening date
field-seizure = seizure
field-serious = serious
field-sex = sex
field-side = side
field-signed_at = signed at
field-signer_id = signer
field-site_id = site
field-start_date = start date
field-status = status
field-subject_id = subject
field-subtype = CLE subtype
field-term = term
field-test = test
field-tested_on = tested on
field-thrombocytopenia = thrombocytopenia
field-title = title
field-token_sha256 = token fingerprint
field-uln = upper limit of normal
field-unit = unit
field-urinary_casts = urinary casts
field-user_id = user
field-what = what was downloaded
field-file_name = file name
field-value = value
field-velocity_m_per_s = conduction velocity (m/s)
field-vasculitis = vasculitis
field-verbatim = verbatim term
field-visit_id = visit
field-visual_disturbance = visual disturbance
field-void_reason = reason for voiding
field-voided = voided
field-voided_by_seq = voided by event
field-record_version = record version
field-verified_value = value verified
field-verifier_id = verified by
field-verified_at = verified at
field-cleared = cleared
field-clear_reason = why it was cleared
field-cleared_by_seq = cleared by event
field-locked = locked
field-locker_id = locked by
field-locked_at = locked at

## CLASI (Albrecht et al. 2005): areas and the fields of each area's items
clasi-area-scalp = Scalp
clasi-area-ears = Ears
clasi-area-nose_malar = Nose (incl. malar area)
clasi-area-rest_of_face = Rest of the face
clasi-area-v_neck = V-area neck (frontal)
clasi-area-posterior_neck_shoulders = Posterior neck and/or shoulders
clasi-area-chest = Chest
clasi-area-abdomen = Abdomen
clasi-area-back_buttocks = Back, buttocks
clasi-area-arms = Arms
clasi-area-hands = Hands
clasi-area-legs = Legs
clasi-area-feet = Feet
field-scalp_erythema = Scalp: erythema
field-scalp_scale = Scalp: scale / hypertrophy
field-scalp_dyspigmentation = Scalp: dyspigmentation
field-ears_erythema = Ears: erythema
field-ears_scale = Ears: scale / hypertrophy
field-ears_dyspigmentation = Ears: dyspigmentation
field-ears_scarring = Ears: scarring / atrophy / panniculitis
field-nose_malar_erythema = Nose (incl. malar area): erythema
field-nose_malar_scale = Nose (incl. malar area): scale / hypertrophy
field-nose_malar_dyspigmentation = Nose (incl. malar area): dyspigmentation
field-nose_malar_scarring = Nose (incl. malar area): scarring / atrophy / panniculitis
field-rest_of_face_erythema = Rest of the face: erythema
field-rest_of_face_scale = Rest of the face: scale / hypertrophy
field-rest_of_face_dyspigmentation = Rest of the face: dyspigmentation
field-rest_of_face_scarring = Rest of the face: scarring / atrophy / panniculitis
field-v_neck_erythema = V-area neck (frontal): erythema
field-v_neck_scale = V-area neck (frontal): scale / hypertrophy
field-v_neck_dyspigmentation = V-area neck (frontal): dyspigmentation
field-v_neck_scarring = V-area neck (frontal): scarring / atrophy / panniculitis
field-posterior_neck_shoulders_erythema = Posterior neck and/or shoulders: erythema
field-posterior_neck_shoulders_scale = Posterior neck and/or shoulders: scale / hypertrophy
field-posterior_neck_shoulders_dyspigmentation = Posterior neck and/or shoulders: dyspigmentation
field-posterior_neck_shoulders_scarring = Posterior neck and/or shoulders: scarring / atrophy / panniculitis
field-chest_erythema = Chest: erythema
field-chest_scale = Chest: scale / hypertrophy
field-chest_dyspigmentation = Chest: dyspigmentation
field-chest_scarring = Chest: scarring / atrophy / panniculitis
field-abdomen_erythema = Abdomen: erythema
field-abdomen_scale = Abdomen: scale / hypertrophy
field-abdomen_dyspigmentation = Abdomen: dyspigmentation
field-abdomen_scarring = Abdomen: scarring / atrophy / panniculitis
field-back_buttocks_erythema = Back, buttocks: erythema
field-back_buttocks_scale = Back, buttocks: scale / hypertrophy
field-back_buttocks_dyspigmentation = Back, buttocks: dyspigmentation
field-back_buttocks_scarring = Back, buttocks: scarring / atrophy / panniculitis
field-arms_erythema = Arms: erythema
field-arms_scale = Arms: scale / hypertrophy
field-arms_dyspigmentation = Arms: dyspigmentation
field-arms_scarring = Arms: scarring / atrophy / panniculitis
field-hands_erythema = Hands: erythema
field-hands_scale = Hands: scale / hypertrophy
field-hands_dyspigmentation = Hands: dyspigmentation
field-hands_scarring = Hands: scarring / atrophy / panniculitis
field-legs_erythema = Legs: erythema
field-legs_scale = Legs: scale / hypertrophy
field-legs_dyspigmentation = Legs: dyspigmentation
field-legs_scarring = Legs: scarring / atrophy / panniculitis
field-feet_erythema = Feet: erythema
field-feet_scale = Feet: scale / hypertrophy
field-feet_dyspigmentation = Feet: dyspigmentation
field-feet_scarring = Feet: scarring / atrophy / panniculitis

## Coded values, by the field that holds them
value-flag-true = yes
value-flag-false = no
value-what-report = the study report
value-what-tidy_csv = tidy CSV tables
value-what-sdtm_csv = SDTM domains as CSV
value-what-sdtm_xpt = SDTM domains as SAS transport files
value-what-submission = submission folder
value-sex-F = female
value-sex-M = male
value-sex-U = unknown
value-causality-unrelated = unrelated
value-causality-unlikely = unlikely
value-causality-possible = possible
value-causality-probable = probable
value-causality-definite = definite
value-action_taken-dose_not_changed = dose not changed
value-action_taken-dose_reduced = dose reduced
value-action_taken-dose_increased = dose increased
value-action_taken-drug_interrupted = drug interrupted
value-action_taken-drug_withdrawn = drug withdrawn
value-action_taken-not_applicable = not applicable
value-action_taken-unknown = unknown
value-outcome-recovered = recovered
value-outcome-recovering = recovering
value-outcome-not_recovered = not recovered
value-outcome-recovered_with_sequelae = recovered with sequelae
value-outcome-fatal = fatal
value-outcome-unknown = unknown
value-status-completed = completed
value-status-screen_failure = screen failure
value-status-adverse_event = adverse event
value-status-lack_of_efficacy = lack of efficacy
value-status-withdrawal_by_subject = withdrawn by the subject
value-status-physician_decision = physician's decision
value-status-protocol_deviation = protocol deviation
value-status-pregnancy = pregnancy
value-status-lost_to_follow_up = lost to follow-up
value-status-death = death
value-status-other = other
value-status-open = open
value-status-answered = answered
value-status-closed = closed
value-category-informed_consent = informed consent
value-category-eligibility = eligibility
value-category-eligibility_waiver = enrolled on an eligibility waiver
value-category-dosing = dosing
value-category-visit_window = visit window
value-category-missed_assessment = missed assessment
value-category-procedure = procedure
value-category-other = other
value-category-cutaneous_lupus = cutaneous lupus
value-category-systemic_lupus = systemic lupus
value-category-prior_treatment = prior treatment
value-category-comorbidity = comorbidity
value-event-pregnancy = pregnancy
value-event-consent_withdrawn = consent withdrawn
value-event-physician_decision = physician's decision to discontinue
value-event-life_threatening = life-threatening complication
value-event-concomitant_change = change in concomitant medication
value-side-left = left
value-side-right = right
value-finding-normal = normal
value-finding-sensory_polyneuropathy = sensory polyneuropathy
value-finding-other = another abnormality
value-missing-not_done = not done
value-missing-not_applicable = not applicable
value-missing-unknown = unknown

## What an audit event did to its record
action-create = entered
action-update = changed
action-remove = removed

## Screening: what the eligibility criteria read (the candidate's fields), and how they compare
candidate-age_years = Age
candidate-cle_histology_confirmed = CLE confirmed by histology
candidate-sle_diagnosis = Diagnosis of SLE
candidate-drug_received = Received the study drug
candidate-max_erythema = Worst CLASI erythema of any area
candidate-prednisone_mg_per_day = Prednisone
candidate-regimen_stable_days = Days on a stable regimen
candidate-refractory_months = Months refractory to standard treatment
candidate-bsa_percent = Body surface involved
candidate-thalidomide_severe_side_effects = Severe side effects of thalidomide
candidate-thalidomide_lack_of_efficacy = Thalidomide did not work
candidate-thalidomide_hypersensitivity = Hypersensitivity to thalidomide
candidate-pregnant = Pregnant
candidate-lactating = Breastfeeding
candidate-reproductive_potential = Of reproductive potential
candidate-adequate_contraception = Adequate contraception
candidate-sledai_2k = SLEDAI-2K
candidate-requires_systemic_immunosuppressants = Needs systemic immunosuppressants
candidate-platelets = Platelets
candidate-leukocytes = Leukocytes
candidate-neutrophils = Neutrophils
candidate-thrombosis_history = History of thrombosis
candidate-antiphospholipid_antibodies = Antiphospholipid antibodies
candidate-gfr = GFR
candidate-progressive_renal_disease = Progressive renal disease
candidate-psychiatric_or_social_disorder = Psychiatric or social disorder
candidate-hiv = HIV
candidate-viral_hepatitis = Viral hepatitis
op-lt = below
op-le = at most
op-gt = above
op-ge = at least
op-eq = equal to
op-ne = other than
answer-true = yes
answer-false = no
not-recorded = not recorded
and = and
or = or
age-as-recorded = age as recorded
age-born = born
age-screened = at screening on
age-at-index = at the index date
highest-erythema = highest erythema
rule-of-nines = by the rule of nines
years = years
bsa-region-head_neck = head and neck
bsa-region-trunk = trunk
bsa-region-left_upper_limb = left arm
bsa-region-right_upper_limb = right arm
bsa-region-left_lower_limb = left leg
bsa-region-right_lower_limb = right leg
bsa-region-perineum = perineum
bsa-extent-whole = whole
bsa-extent-front = front
bsa-extent-back = back

## The protocol's decision and the eligibility checklist, as the history summarises them
value-action-continue = continue
value-action-escalate = escalate the dose
value-action-taper = taper
value-action-withdraw = withdraw the drug
value-action-reintroduce = reintroduce the drug
value-action-maintain = maintain
value-action-stop = stop the study drug
checklist-eligible = checklist: eligible
checklist-not-eligible = checklist: not eligible
checklist-incomplete = checklist: incomplete

## CLE subtypes (INSTRUMENTS.md §6) and consent
value-subtype-acle_localized = ACLE, localized
value-subtype-acle_generalized = ACLE, generalized
value-subtype-scle_annular = SCLE, annular
value-subtype-scle_papulosquamous = SCLE, papulosquamous
value-subtype-dle_localized = DLE, localized
value-subtype-dle_generalized = DLE, generalized
value-subtype-dle_hypertrophic = DLE, hypertrophic
value-subtype-dle_mucosal = DLE, mucosal
value-subtype-lupus_profundus = LE profundus
value-subtype-chilblain = Chilblain LE
value-subtype-tumidus = LE tumidus
value-subtype-other = Other CLE
value-consent-waived = waived (retrospective review)

## What a role may do (the refusal says which)
denied-administration = This needs a study administrator.
denied-action = Your role does not allow you to { $permission } here.
permission-read_subject = see this subject
permission-screen = screen candidates
permission-enrol = enrol subjects
permission-enter_visit_data = enter visit data
permission-record_decision = record the protocol's decision
permission-record_adverse_event = record adverse events
permission-raise_query = raise data queries
permission-answer_query = answer data queries
permission-close_query = close data queries
permission-verify_source = verify data against the source
permission-lock = lock and unlock forms and casebooks
permission-sign = sign visits
permission-read_history = see the record history
permission-read_identifiers = see birth dates and staff names
permission-export = download data sets
permission-read_arms = see the arms of a randomised study
permission-emergency_unblind = unblind a subject in an emergency
permission-manage_users = manage users
permission-manage_sites = manage sites and study settings
value-phase-induction = induction
value-phase-taper = taper
value-phase-off_treatment = off treatment
value-phase-maintenance = maintenance
value-phase-stopped = stopped
value-response-cr = CR
value-response-pr = PR
value-response-nr = no response

## Worklists on the dashboard: each list's name, and what it holds
worklist-visits-due = Visits due or overdue
worklist-visits-due-hint = Scheduled visits of subjects still taking part whose window is open or opens within a week, and those whose window closed with no visit since.
worklist-forms-incomplete = Forms incomplete
worklist-forms-incomplete-hint = Visits of subjects still taking part with no form recorded, or no CLASI where the protocol's decision reads it.
worklist-queries-to-answer = Queries to answer
worklist-queries-to-answer-hint = Data queries a monitor opened that wait for the site's answer.
worklist-decisions-to-record = Decisions to record
worklist-decisions-to-record-hint = The latest visit of each subject still taking part, with its CLASI and no protocol decision recorded since.
worklist-visits-to-sign = Visits to sign
worklist-visits-to-sign-hint = Visits with data and no standing signature.
worklist-safety-signals = Safety signals to review
worklist-safety-signals-hint = Adverse events that are serious or of CTCAE grade 3 or more, and laboratory results of grade 3 or more the adverse event log does not hold yet.
worklist-queries-to-close = Queries to close
worklist-queries-to-close-hint = Data queries the site answered, waiting for the monitor to close them.
worklist-verification-to-do = Verification to do
worklist-verification-to-do-hint = Subjects with records not yet verified against the source as a whole, or whose verification a later change cleared.

## The CLASI grid's own fields
field-blank_is_clear = Items left blank

## Moments as a reader reads them (dates of clinical events stay ISO, as on the paper forms)
date-time = { $day } { $month } { $year }, { $time }
month-1 = Jan
month-2 = Feb
month-3 = Mar
month-4 = Apr
month-5 = May
month-6 = Jun
month-7 = Jul
month-8 = Aug
month-9 = Sep
month-10 = Oct
month-11 = Nov
month-12 = Dec

## Every page: the shell, the navigation, the session's warnings
language-name = English
layout-skip = Skip to content
nav-main = Main
nav-dashboard = Dashboard
nav-subjects = Subjects
nav-signed-in-as = Signed in as
nav-account = Your account
nav-log-out = Log out
session-warning = Your session will end soon unless you continue.
session-stay = Stay signed in
session-ending = Your session ends in { $seconds } seconds unless you continue.
session-ended = Your session has ended. What you send now is kept: log in again and it comes back to check and send.
session-restored = Your session had ended, so this form was not saved. What you typed is back: check it and send it again.

## The user's account: password and language
account-title = Your account
account-password = Change your password
account-password-reset = An administrator reset your password. Choose your own before you go on.
account-password-effect = Your other sessions end and your API tokens are revoked when you change it.
account-password-rule = At least { $min } characters and hard to guess: a passphrase of several unrelated words works well. Not your login or your name.
account-current-password = Current password
account-new-password = New password
account-new-password-again = New password again
account-change-password = Change password
account-enter-current = Enter your current password.
account-passwords-differ = The two new passwords differ; type the same one twice.
account-new-refused = The new password { $reason }.
account-current-wrong = The current password is not right.
account-language = Language
account-language-legend = The language of the pages
account-language-browser = The browser's language
account-language-save = Save the language
account-language-choose = choose a language: English, Español or the browser's

## Logging in
login-title = Log in
login-session-ended-unsaved = Your session had ended, so the form was not saved. Log in again: you will return to the page with what you typed, to check and send again.
login-session-ended = Your session has ended. Log in again to return to the page.
login-login = Login
login-password = Password
login-enter-login = Enter your login.
login-enter-password = Enter your password.
login-wrong = The login or the password is wrong.
login-failed-title = Failed attempts on your account
login-failed-since = Since your last login there were
login-failed-count = { $count ->
    [one] 1 failed attempt
   *[other] { $count } failed attempts
}
login-failed-last = to log in with your login (the last at { $last }).
login-failed-not-you = If that was not you, tell the study administrator.
login-continue-dashboard = Continue to the dashboard
login-continue-page = Continue to the page you were on
wait-seconds = { $count } seconds
wait-minutes = { $count } minutes
too-many-attempts = Too many wrong passwords: this password was not checked. Try again in { $wait }, or ask the study administrator.

## Forms and the pages of refusals
form-enter-date = Enter a date (YYYY-MM-DD).
form-not-a-date = '{ $text }' is not a date; use YYYY-MM-DD.
form-enter = Enter { $what }.
form-reason-required = Give a reason for the change.
form-password-wrong = The password is not right.
form-not-saved = Not saved.
form-not-saved-then = Correct the fields marked below; everything you typed is kept.
form-not-shown = Not shown.
form-not-shown-then = Correct the choices marked below.
form-conflict = Someone else saved first:
form-already-sent = this form was already sent (the Back button, or a second click) and was saved once; reload the page to enter anything new
error-not-found = Not found
error-not-found-text = There is no such page or record, or it belongs to a site where you hold no role.
error-forbidden = Not allowed
error-cross-site = Form refused
error-cross-site-text = The form did not come from this page or has expired. Go back, reload the page and try again.
error-refused = Not saved
error-internal = Server error
error-internal-text = The server could not complete this request. Nothing was saved; try again or tell the study administrator.
error-back = Back to the dashboard

## The dashboard
role-investigator = investigator
role-coordinator = coordinator
role-monitor = monitor
role-statistician = statistician
role-unblinded_statistician = unblinded statistician
security-title = Security events: repeated wrong passwords
security-caption = The newest { $count }; further attempts on these logins and addresses are delayed
security-when = When
security-login = Login
security-address = Address
security-what = What happened
security-address-unknown = not known
dashboard-protocol-version = protocol version { $version }
dashboard-screen = Screen a candidate
dashboard-all-subjects = All subjects at your sites
dashboard-downloads = Report and exports
dashboard-downloads-link = Download the study report and the data sets
dashboard-downloads-then = (pseudonymised: tidy CSV, SDTM as CSV or SAS transport); each download is recorded in the audit trail.
dashboard-no-role = You hold no role at any site yet, so no subjects are shown. An administrator grants roles per site.
dashboard-enrolment = Enrolment at your sites
dashboard-enrolment-caption = Subjects per site: screened, with consent (or consent waived in a chart review), enrolled; unresolved data queries
dashboard-site = Site
dashboard-roles = Your roles
dashboard-screened = Screened
dashboard-consented = Consented
dashboard-enrolled = Enrolled
dashboard-open-queries = Open queries
dashboard-safety-signals = Safety signals
dashboard-signals-title = Safety signals: serious or CTCAE grade ≥ 3
dashboard-signal-site = (site { $site }):
dashboard-signal-collected = , collected { $date }
dashboard-signal-grade = , grade { $grade }
dashboard-signal-serious = , serious
dashboard-signal-from = , from { $date }

## The subject list and the subject page
subjects-screen = Screen a candidate
subjects-none = No subjects at your sites yet.
subjects-study-id = Study id
subjects-site = Site
subjects-sex = Sex
subjects-subtype = Subtype
subjects-screened = Screened
subjects-consent = Consent
subjects-enrolled = Enrolled
subjects-list-title = Subjects
subjects-born = Born
subjects-age-at-screening-label = Age at screening
subjects-chart-reviewed = Chart reviewed
subjects-consent-waived = waived (retrospective chart review)
subjects-index-date = Index date (drug start)
subjects-adverse-events = Adverse events
subjects-verification = Source data verification
subjects-history = Record history
subjects-eligibility = Eligibility
subjects-no-checklist = No eligibility checklist recorded.
subjects-chart-not-enrolled = Not enrolled: the chart does not meet the criteria at the index date. A chart that does not qualify can be removed (Entered in error).
subjects-enrolment-date = Enrolment date (treatment starts)
subjects-not-eligible-hint = The latest checklist does not say eligible. An investigator may still enrol the subject with a reason: the waiver is recorded as a major protocol deviation.
subjects-waiver = Waiver: why enrol anyway (investigator only)
subjects-enrol = Enrol
subjects-randomised-hint = This study randomises at enrolment: choose the subject's level of each factor. The subject gets a randomisation number; the arm is not shown.
subjects-randomised-eligible-only = The latest checklist does not say eligible: this study randomises eligible subjects only, so the subject cannot be enrolled.
subjects-factor-choose = choose a level
subjects-randomisation = Randomisation
subjects-randomisation-is = number { $number }, randomised on { $date } ({ $levels }; place { $place } in its stratum)
unblind-title = Emergency unblinding
unblind-hint = Only when the treatment must be known to care for the subject. The arm is shown to you once; the unblinding is recorded with your reason, and the monitors and the unblinded statistician see that it was done.
unblind-reason = The emergency (why the treatment must be known)
unblind-confirm = Type the study id { $code } to confirm
unblind-button = Unblind this subject
unblind-arm-is = Arm: { $arm }
unblind-shown-once = Shown once, to you: it is not kept in the record or shown again.
unblind-none = Not unblinded.
unblind-done = unblinded on { $date }: { $reason }
allocation-title = Allocation
allocation-not-randomised = This study does not randomise.
allocation-no-secret = This server holds no allocation secret, so it cannot show arms. Start it with --allocation-secret-file.
allocation-count = { $count } randomised subjects
allocation-arm = Arm
allocation-unblindings = Emergency unblindings
nav-allocation = Allocation
subjects-deviations = Protocol deviations
subjects-date = Date
subjects-category = Category
subjects-major = Major
subjects-description = Description
subjects-timeline = Timeline
subjects-visits = Visits
subjects-no-visits = No visits yet.
subjects-visit = Visit
subjects-planned = Planned
subjects-done = Done
subjects-clasi-activity = CLASI activity
subjects-damage = Damage
subjects-correction = Correction
subjects-add-visit-title = Add a visit
subjects-planned-on = Planned on
subjects-done-on = Done on
subjects-add-visit = Add visit
subjects-count = { $count } subjects at your sites
subjects-title = Subject { $code }
subjects-age-at-screening = ({ $age } years at screening)
subjects-age = { $age } years
subjects-deviation-major = major
subjects-deviation-minor = minor
subjects-next-visit = Next visit in the protocol's calendar: day { $day }, { $date }.

## The record history
history-none = No events match.
history-pages = Pages of the history
history-first = First page
history-record = Record
history-field = Field
history-user = User (login)
history-from = From (UTC day)
history-to = To (UTC day)
history-show = Show
history-clear = Clear
history-when = When
history-who = Who
history-action = Action
history-before = Before
history-after = After
history-reason = Reason
history-first-entry = first entry
history-no-such-kind = '{ $kind }' is no kind of record; choose one from the list
history-lead = record history, oldest first
history-events = Events { $first } to { $last } of the trail
history-next = Next { $count } events
history-title = Record history · { $code }
history-any-record = any record
history-any-field = any field
history-page = Page
history-next-visit = { $action }, { $dose }; next visit { $next }
history-decision = { $action }, { $dose }

## The protocol's decision panel
decision-action = Action
decision-dose = Dose for the next period
decision-phase = Phase
decision-response = Response
decision-next-visit = Next visit
decision-next-lab = Next lab
decision-physician-review = The protocol does not settle this case: the investigator decides.
decision-why = Why
decision-title = Protocol decision
decision-date-first = Give the visit a date first.
decision-followed = followed
decision-not-answered = not yet answered
decision-investigator-records = The site's investigator records whether the decision was followed.
decision-why-not = If not: why (required)
decision-record = Record decision
decision-say-why = Say why the decision was not followed.
decision-leave-blank = Leave this blank when the decision was followed.
decision-cycle = cycle { $cycle }
decision-not-assessed = not assessed
decision-toxicity = Toxicity: CTCAE grade { $grade }.
decision-deviations = Deviations:
decision-missing = Missing from the record:
decision-on = Protocol decision on { $date }
decision-recorded = Recorded:
decision-not-followed = not followed
decision-followed-question = Did you follow the protocol's decision?
decision-yes-followed = yes, followed
decision-no-not-followed = no, not followed
decision-answer-yes-no = answer yes or no

## Dose levels said from their amount and frequency (languages other than the protocol's English)
decimal-mark = .
dose-level = { $drug } { $mg } mg { $frequency }
dose-level-off = { $drug } withdrawn

## Frequencies of a dose, by their NCI code (CDISC codelist C71113)
frequency-C25473 = once daily
frequency-C64496 = twice daily
frequency-C64527 = three times daily
frequency-C64530 = four times daily
frequency-C64525 = on alternate days
frequency-C67069 = once weekly
frequency-C64497 = twice weekly
frequency-C64528 = three times weekly
frequency-C64531 = four times weekly
frequency-C85552 = five times weekly
frequency-C98857 = six times weekly
frequency-C64595 = every morning
frequency-C64596 = every evening
frequency-C64593 = at bedtime
frequency-C64499 = as needed

## Data queries
query-field = Field
query-choose-field = choose the field
query-title = Data queries
query-none = No queries.
query-open-title = Open a query
query-record = Record
query-question-label = Question
query-open = Open query
query-answer-label = Answer
query-answer-button = Answer query
query-close = Close query
query-target-subject = subject { $what }
query-target-visit = visit { $what }
query-target-clasi = CLASI at { $what }
query-target-sledai = SLEDAI-2K on { $what }
query-target-lab = lab { $test } on { $date }
query-target-dose = dose from { $what }
query-target-adverse_event = adverse event { $what }
query-number = Query { $id }
query-on = on
query-question = Question
query-answer = Answer
query-not-changed = Query { $id } was not changed: { $why }
query-choose-record = choose one of the subject's records
query-what-field = the field the question is about
query-what-question = the question
query-what-answer = the answer

## Downloads
download-made-now = Each file is made from the study record when you ask for it, so it holds everything recorded up to that moment. Subjects appear by their study ids only. Each download is recorded in the audit trail with your name and the time.
download-not-offered = The ODM archive and the audit trail are not offered here because they name the staff who entered and signed the data, and statisticians work with pseudonymised data only.
download-title = Report and exports
download-report = The study report
download-report-describes = One web page, complete in itself: participant flow, baseline, each result with its method, listings, figures and safety tables, as the protocol's analysis plan declares them.
download-tidy-csv = Tidy CSV tables
download-tidy-csv-describes = One table per form, a row per subject, visit and repeat, with a data dictionary, the missing-value codes and the protocol in force.
download-sdtm-csv = SDTM domains as CSV
download-sdtm-csv-describes = The CDISC SDTM domains (demographics, visits, exposure, adverse events, labs, responses, disposition, eligibility, deviations, medications) as CSV files, with their variables described.
download-sdtm-xpt = SDTM domains as SAS transport files
download-sdtm-xpt-describes = The same domains as SAS XPORT version 5 files, as regulators receive them.
download-submission = Submission folder
download-submission-describes = The SDTM domains and the ADaM analysis datasets, each as SAS transport and Dataset-JSON files, with a Define-XML 2.1 file describing each folder.
download-protocol-refused = The report cannot be made from this study's protocol: { $error }.
download-data-refused = This file cannot be made from the study's data as recorded: { $error }.

## Screening
screening-criterion = Criterion
screening-kind = Kind
screening-status = Status
screening-why = Why
screening-site = Site
screening-chart-reviewed = Chart reviewed on
screening-drug-started = Drug started on (the index date)
screening-consent-signed = Consent signed on
screening-date = Screening date
screening-retrospective = A retrospective chart review: consent is waived, the criteria are judged at the drug start, and an eligible chart is enrolled from that date when registered.
screening-needs = What the criteria need
screening-birth-date-index = Birth date (age at the index date)
screening-checklist = Eligibility checklist
screening-register = Register candidate with this checklist
screening-title = Screening
screening-what-code = the study id
screening-unit = unit
screening-birth-date = Birth date (age from the screening date)
screening-status-met = met
screening-status-not_met = not met
screening-status-unknown = unknown
screening-eligible = eligible
screening-not-eligible = not eligible
screening-incomplete = incomplete: some criteria are unknown
screening-overall = Overall:
screening-kind-inclusion = inclusion
screening-kind-exclusion = exclusion
screening-code = Study id (site code-number, e.g. { $example }; never a name)
screening-protocol-unreadable = The study's protocol cannot be read:
screening-enter-birth-date = Enter the birth date (the age criterion needs it).
screening-birth-withheld = [birth date withheld]
screening-evaluated = Evaluated on { $date } (protocol version { $version }):

## Adverse events
adverse-term-label = CTCAE v5.0 term (type part of it and choose)
adverse-did-you-mean = Did you mean
adverse-none = No adverse events recorded.
adverse-term = Term
adverse-start = Start
adverse-end = End
adverse-causality = Causality
adverse-action-taken = Action taken
adverse-outcome = Outcome
adverse-correction = Correction
adverse-record-title = Record an adverse event
adverse-verbatim = As reported, in the reporter's words (optional; required for an "Other, specify" term)
adverse-end-label = End (blank while ongoing)
adverse-grade = CTCAE v5.0 grade
adverse-relationship = Relationship to the study drug
adverse-action-label = Action taken with the study drug
adverse-serious = Serious (death, life-threatening, hospitalisation, disability, congenital anomaly, or medically important)
adverse-hint = Any CTCAE v5.0 term, e.g. Peripheral sensory neuropathy, Neutrophil count decreased, Insomnia: type part of it and pick from the list. The grade must be one CTCAE gives the term.
adverse-what-term = the event's CTCAE term
adverse-alert = Safety alert:
adverse-alert-count = { $count } serious or grade ≥ 3 adverse event(s).
adverse-signal-grade = , CTCAE grade { $grade }
adverse-ongoing = ongoing
adverse-title = Adverse events · { $code }
adverse-choose-grade = choose a CTCAE grade from 1 to 5
ctcae-grade-1 = 1 mild
ctcae-grade-2 = 2 moderate
ctcae-grade-3 = 3 severe or medically significant
ctcae-grade-4 = 4 life-threatening
ctcae-grade-5 = 5 death related to the event

## Protocol events and the end of participation, as the subject page says them
course-event-pregnancy = Pregnancy
course-event-consent_withdrawn = Consent withdrawn
course-event-physician_decision = Physician's decision to stop
course-event-life_threatening = Life-threatening complication
course-event-concomitant_change = Change of concomitant medication
course-status-completed = Completed
course-status-screen_failure = Screen failure
course-status-adverse_event = Withdrawn: adverse event
course-status-lack_of_efficacy = Withdrawn: lack of efficacy
course-status-withdrawal_by_subject = Withdrawn: consent withdrawn
course-status-physician_decision = Withdrawn: physician's decision
course-status-protocol_deviation = Withdrawn: protocol deviation
course-status-pregnancy = Withdrawn: pregnancy
course-status-lost_to_follow_up = Lost to follow-up
course-status-death = Death
course-status-other = Other (say what in the details)

## The course of participation
course-title = Events and end of participation
course-none = No event recorded; participation goes on.
course-date = Date
course-what = What
course-note = Note
course-correction = Correction
course-event = Event
course-on = On
course-note-optional = Note (optional)
course-record-event = Record event
course-ended = Participation ended
course-details = Details (required for other)
course-record-end = Record end of participation

## Concomitant medications
conmed-title = Concomitant medications
conmed-none = None recorded.
conmed-medication = Medication
conmed-route = Route
conmed-taken = Taken
conmed-why = Why
conmed-correction = Correction
conmed-as-written = As written (required for other)
conmed-amount = Amount per dose
conmed-unit = Unit
conmed-how-often = How often
conmed-why-optional = Why (optional)
conmed-started = Started (blank: not known)
conmed-stopped = Stopped
conmed-still-taken = Still taken
conmed-choose = choose a medication
conmed-not-known = not known
conmed-start-not-known = start not known
conmed-taken-until = { $start } to { $end }
conmed-taken-ongoing = { $start }, ongoing
conmed-taken-end-unknown = { $start }, end not known
route-ORAL = by mouth
route-TOPICAL = on the skin
route-INTRALESIONAL = into the lesion
route-SUBCUTANEOUS = under the skin
route-INTRAMUSCULAR = into a muscle
route-INTRAVENOUS = into a vein

## The subject's timeline, and marking a record entered in error
timeline-visit = visit
timeline-clasi = CLASI
timeline-dose = dose
timeline-adverse-event = adverse event
timeline-decision = decision
timeline-clasi-totals = activity { $activity }, damage { $damage }
timeline-to = to { $end }
timeline-not-answered = not answered
timeline-nothing = Nothing recorded yet.
timeline-chart-title = CLASI activity and damage over time, with dose periods, adverse events and protocol decisions
timeline-ae-row = AE
timeline-decision-row = Dec.
timeline-activity = activity { $score }
timeline-damage = damage { $score }
timeline-key-activity = CLASI activity
timeline-key-damage = CLASI damage
timeline-key-dose = dose period (darker: more drug per week)
timeline-key-ae = adverse event (red: serious or grade ≥ 3)
timeline-key-decision = protocol decision
timeline-list = The timeline as a list
timeline-details = Details
void-summary = Entered in error?
void-why = Why (kept in the audit trail)
void-button = Mark entered in error
void-version = version: reload the page and try again

## Adverse events (the log's table)
adverse-grade-column = Grade
adverse-serious-column = Serious
adverse-record = Record adverse event

## Concomitant medications (the form)
conmed-record = Record medication

## Screening: what the candidate's answers must be
screening-not-erythema = '{ $text }' is not an erythema score (0, 1, 2 or 3)
screening-not-a-number = '{ $text }' is not a number

## Units the eligibility criteria are written in (symbols such as mg/day stay as they are)
unit-years = years
unit-points = points
unit-days = days
unit-months = months

## Worklists: the dashboard's panel and each list's page
worklist-your-work = Your work
worklist-panel-caption = What to do next at your sites; each count opens its list
worklist-list = List
worklist-to-do = To do
worklist-holds = What it holds
worklist-subject = Subject
worklist-every-site = Every site
worklist-sort-by = Sort by
worklist-order = Order
worklist-sort-date = Date
worklist-sort-subject = Subject
worklist-sort-site = Site
worklist-order-asc = Oldest or A first
worklist-order-desc = Newest or Z first
worklist-nothing = Nothing to do here.
worklist-count = { $count } to do · page { $page } of { $pages }
worklist-pages = Pages
worklist-previous = Previous page
worklist-next = Next page

## The monitor's source data verification page
sdv-title = Source data verification · { $code }
sdv-subject = Subject { $code }
sdv-done = { $done } of { $all } records verified as a whole
sdv-hint = Tick the fields you compared with the source and verify them, or verify the whole record. A later change clears the verification of what changed, with the change's reason.
sdv-casebook-lock = Casebook lock
sdv-at-visit = at { $visit }
sdv-by = by { $name } on { $day }
sdv-locked = Locked
sdv-locked-then = : no change is accepted until it is unlocked.
sdv-why-unlock = Why unlock
sdv-lock-form = Lock the form
sdv-unlock-form = Unlock the form
sdv-lock-casebook = Lock the casebook
sdv-unlock-casebook = Unlock the casebook
sdv-not-locked = Not locked.
sdv-verified = Verified as a whole
sdv-cleared = Verification cleared
sdv-again = Verify it again.
sdv-to-do = Not yet verified as a whole.
sdv-field = Field
sdv-value = Value
sdv-verified-column = Verified
sdv-query = Query
sdv-ask = Ask
sdv-with-record = with the record
sdv-verify-fields = Verify the ticked fields
sdv-verify-record = Verify the whole record
sdv-tick-first = Tick the fields you compared with the source, or verify the whole record.
sdv-no-record = the form names no record; reload the page
sdv-nothing-to-lock = the form names nothing to lock; reload the page

## Worklist rows: what is to be done, in words
worklist-scheduled-visits = { $count ->
    [one] 1 scheduled visit
   *[other] { $count } scheduled visits
}
worklist-week = Week { $week }
worklist-day = Day { $day }
worklist-not-signed = { $visit }: not signed
worklist-records-not-verified = { $count ->
    [one] 1 record not verified
   *[other] { $count } records not verified
}
worklist-due = { $visit }: due, window { $from } to { $to }
worklist-due-missed = { $visit }: due, window { $from } to { $to }; no visit since { $seen }, { $missed } passed
worklist-overdue = { $visit }: overdue, the window closed on { $to }
worklist-overdue-later = { $visit }: overdue, the window closed on { $to }; { $later } since passed too
worklist-no-form = { $visit }: no form recorded
worklist-no-clasi = { $visit }: no CLASI recorded; the protocol's decision reads it
worklist-no-decision = { $visit }: CLASI recorded, no decision yet
worklist-signal = { $term }, grade { $grade }
worklist-signal-serious = { $term }, grade { $grade }, serious
worklist-lab-not-logged = { $term }, grade { $grade } (laboratory result): not in the adverse event log

## The visit page
visit-planned = planned { $date }
visit-done = done { $date }
visit-sections = Sections
visit-labs = Labs
visit-nerve = Nerve conduction
visit-decision = Protocol decision
visit-dose = Dose
visit-signature = Signature
visit-reason = Reason for the change
visit-save-clasi = Save CLASI
visit-save-sledai = Save SLEDAI-2K
visit-saved = Saved version
visit-saved-sledai = SLEDAI-2K { $score } (version { $version })
visit-saved-clasi = Saved version (version { $version }, assessed on { $date })
visit-saved-totals = Activity { $activity } · Damage { $damage }
visit-kept = Your version is kept in the form above: re-check it against this one and save again with a reason.
visit-lab-results = Laboratory results
visit-no-labs = No results at this visit yet.
visit-normal-range = LLN–ULN
visit-correction = Correction
visit-lab-grade = { $term }, CTCAE grade { $grade }
visit-lab-unlogged = on { $date }: the adverse event log does not hold it yet.
visit-log-event = Log it as an adverse event
visit-log-event-who = An investigator or coordinator of the site logs it.
visit-no-lab-list = The study's protocol cannot be read, so its lab list is unknown.
visit-add-lab = Add result
visit-nerve-study = Nerve conduction study
visit-tested-on = Tested on { $date }:
visit-no-nerve-study = No nerve conduction study recorded.
visit-conclusion = Conclusion
visit-nerve-note = Note (required for another abnormality)
visit-save-nerve = Save nerve conduction study
visit-dose-given = Dose given
visit-running = Running now: { $regimen } since { $date }
visit-running-none = Running now: no study drug
visit-apply = Apply the protocol's decision: { $dose } from { $date }
visit-apply-or = Or choose another dose below; the decision panel records whether the protocol was followed, and why not.
visit-no-levels = This study has no dose levels: enter the regimen as prescribed.
visit-amount = Amount per dose
visit-how-often = How often
visit-level = Dose from this date
visit-preselected = Preselected: the protocol's decision for this visit, { $dose }.
visit-starting-on = Starting on
visit-dose-hint = The running period ends the day before; choose the off level to stop the drug.
visit-record-dose = Record dose change
visit-the-investigator = the investigator
visit-signed-by = Signed by
visit-signed-at = at { $at }, meaning { $meaning }
visit-signature-void = void: { $reason }
visit-who-signs = An investigator of the site signs visits.
visit-sign-confirms = Signing confirms this visit's content as it stands now. A later change voids the signature.
visit-password = Your password (entered again to sign)
visit-sign = Sign visit
visit-open-queries = Open data queries on this form
visit-see-query = see the query
visit-bad-version = is not a record version; reload the page
visit-no-protocol = the study's protocol cannot be read
visit-no-drug = the protocol names no study drug
visit-choose-level = choose one of the protocol's dose levels
visit-name = the visit's name
visit-read-only = Read-only for your role: the site's investigators and coordinators enter visit data.
value-meaning-authorship = authorship
value-meaning-review = review
value-meaning-approval = approval
value-meaning-responsibility = responsibility

## The CLASI form (Albrecht et al. 2005): each item's header and the meaning of its levels
clasi-item-erythema = Erythema
clasi-level-erythema-0 = 0 absent
clasi-level-erythema-1 = 1 pink, faint
clasi-level-erythema-2 = 2 red
clasi-level-erythema-3 = 3 dark red, violaceous, crusted
clasi-item-scale = Scale / hypertrophy
clasi-level-scale-0 = 0 absent
clasi-level-scale-1 = 1 scale
clasi-level-scale-2 = 2 verrucous, hypertrophic
clasi-item-dyspigmentation = Dyspigmentation
clasi-level-dyspigmentation-0 = 0 absent
clasi-level-dyspigmentation-1 = 1 dyspigmentation
clasi-item-scarring = Scarring / atrophy / panniculitis
clasi-level-scarring-0 = 0 absent
clasi-level-scarring-1 = 1 scarring
clasi-level-scarring-2 = 2 severely atrophic scarring or panniculitis
clasi-item-mucous_membrane = Mucous membrane lesions
clasi-level-mucous_membrane-0 = 0 absent
clasi-level-mucous_membrane-1 = 1 lesion or ulceration
clasi-item-recent_hair_loss = Recent hair loss (within the last 30 days)
clasi-level-recent_hair_loss-0 = 0 no
clasi-level-recent_hair_loss-1 = 1 yes
clasi-item-nonscarring_alopecia = Non-scarring alopecia
clasi-level-nonscarring_alopecia-0 = 0 absent
clasi-level-nonscarring_alopecia-1 = 1 diffuse, non-inflammatory
clasi-level-nonscarring_alopecia-2 = 2 focal or patchy in one quadrant
clasi-level-nonscarring_alopecia-3 = 3 focal or patchy in more than one quadrant
clasi-item-scarring_alopecia = Scarring of the scalp (scarring alopecia, judged clinically)
clasi-level-scarring_alopecia-0 = 0 absent
clasi-level-scarring_alopecia-3 = 3 in one quadrant
clasi-level-scarring_alopecia-4 = 4 in two quadrants
clasi-level-scarring_alopecia-5 = 5 in three quadrants
clasi-level-scarring_alopecia-6 = 6 affects the whole skull
clasi-activity = Activity
clasi-damage = Damage
clasi-this-area = This area
clasi-incomplete = incomplete
clasi-not-yet-entered = — not yet entered
clasi-not-assessed = not assessed
clasi-n-means = not examined (kept apart from 0: a total that needs it stays blank)
clasi-caption = Score each area by its worst lesion: type the level, n where not examined. Arrow keys and Tab move between cells.
clasi-see-scarring-alopecia = see scarring alopecia
clasi-cell = { $field }, 0 to { $top } or n
clasi-query = Data query: { $question }
clasi-lasts = Dyspigmentation usually lasts 12 months or longer (doubles the dyspigmentation score)
clasi-blank-is-clear = Items left blank, in the grid or above, were examined and are clear (0)
clasi-not-a-level = '{ $text }' is not a level of this item; allowed: { $allowed }, or n (not examined)
clasi-blank-refused = { $count ->
    [one] 1 item is blank: type a level, or n where not examined, in each; or tick this box if they were examined and are clear
   *[other] { $count } items are blank: type a level, or n where not examined, in each; or tick this box if they were examined and are clear
}
clasi-blank-counted = { $count ->
    [one] 1 item blank, counted as clear
   *[other] { $count } items blank, counted as clear
}
clasi-answer-lasts = answer yes, no or unknown
value-answer-yes = yes
value-answer-no = no
value-answer-unknown = unknown

## The SLEDAI-2K checklist and the lab form
sledai-legend = Descriptors present at the visit or within the recall window (weight in brackets)
sledai-window = Recall window
sledai-window-10d = 10 days (SLEDAI-2K)
sledai-window-30d = 30 days (validated variant)
sledai-choose-window = choose 10 days or 30 days
lab-needs-lln = not gradable without the lower limit of normal
lab-not-graded = not graded by CTCAE from a value
lab-the-test = the test
lab-the-unit = the unit
lab-choose-test = Choose a test
lab-choose-unit = Choose a unit
lab-value = Value (or { $missing })
lab-units = Units:
lab-graded = (CTCAE-graded)
lab-grade-text = CTCAE grade { $grade } ({ $term })
lab-grade = CTCAE grade:

## Why the protocol decided: the sentence of each rule that fired, with the values it used.
## $because is the protocol's own reason for a choice the sources leave open (its text, in the
## protocol's language), appended as rule-because says.
rule-because = {" "}({ $reason })
rule-versus = CLASI activity { $activity } on { $date } vs baseline { $baseline }
rule-seen = CLASI activity { $activity } on { $date }
rule-no-clasi = no CLASI activity recorded
rule-stop = { $stop }: { $detail }
rule-start = start at { $level } on { $date }
rule-baseline-missing = no baseline CLASI activity: response cannot be judged
rule-relapse-seen = CLASI activity { $activity } on { $date } (>= { $relapse }) after complete response, on { $level }
rule-relapse-maintenance = { $seen }: relapse in cycle { $cycle } during taper; hold { $level }, the lowest level that held remission{ $because }
rule-relapse-reintroduce = { $seen }: relapse; reintroduce { $level } as cycle { $cycle }{ $because }
rule-maintenance-planned = relapse during taper in cycle { $cycle }: this cycle tapers only down to { $level }, the lowest level that held remission, and holds it{ $because }
rule-off-observe = withdrawn since { $date } in remission; a CLASI activity >= { $relapse } would be a relapse
rule-maintenance-hold = hold { $level }, the lowest level that held remission
rule-taper-wait = in complete response on { $level }: next taper step due on { $due }{ $counts }
rule-taper-missing-clasi = taper step due on { $due } needs a CLASI activity from { $from } on{ $because }
rule-taper-hold = { $seen } is not a complete response (and not a relapse): hold { $level }
rule-taper-withdraw = { $seen }, complete response at the last step { $level }: withdraw
rule-taper-step = { $seen }, complete response: taper one step, { $level } to { $next }
rule-before-assessment = cycle { $cycle } on { $level } since { $start }: the week-{ $week } assessment is due on { $due }{ $counts }
rule-assessment-missing-clasi = the week-{ $week } decision needs a CLASI activity from { $from } on; none recorded{ $because }
rule-no-improvement = { $versus }: no clinical improvement at week { $week }{ $because }; increase to { $level }
rule-no-escalation = { $versus }: no clinical improvement, and the protocol has no higher level: the physician decides
rule-improvement = { $versus }: clinical improvement at week { $week }{ $because }; stay at { $level }
rule-escalated = escalated to { $level } in cycle { $cycle }
rule-not-asked-improved = the week-{ $week } assessment ({ $versus }) showed improvement
rule-not-asked-unassessed = no week-{ $week } assessment preceded it
rule-not-asked = { $given } given since { $since } was not asked for by the protocol ({ $why }): the protocol asks for { $asked }
rule-partial-response = { $latest }: partial response by week { $week }; continue { $level }
rule-no-response-physician = { $latest }: no partial response (>= { $percent }%) by week { $week }; the protocol does not say what follows, so the physician decides{ $because }
rule-no-response-stop = { $latest }: no partial response (>= { $percent }%) by week { $week }: stop
rule-toxicity = CTCAE grade { $grade } toxicity flagged: { $findings }
rule-counts-that-day = ; a CLASI counts from that day on, not earlier
rule-counts-early = ; a CLASI counts from { $from } on ({ $days } days early)
rule-sledai-no-reference = SLEDAI-2K { $score } on { $date }: no baseline SLEDAI-2K to compare with, so a flare cannot be judged
rule-since-previous = the previous score
rule-since-baseline = baseline
rule-flare = { $found ->
    [mild] a mild flare
    [severe] a severe flare
   *[none] no flare
} ({ $rule ->
    [selena] the SELENA rule
   *[change] the paper's change rule
}: { $found ->
    [none] { $rule ->
        [selena] mild needs a rise of 3 or more
       *[change] mild needs a rise above 3
    }
   *[found] { $rule ->
        [selena] mild is a rise of 3 or more, severe a rise to above 12
       *[change] mild is a rise above 3, severe above 12
    }
})
rule-sledai = SLEDAI-2K { $reference } on { $on } -> { $score } on { $date } ({ $rise }) against { $since }{ $because }: { $verdict }
rule-adverse-event = adverse event
rule-stop-event = { $event } on { $date }
rule-stop-lab = { $test } { $value } { $unit } on { $date } is CTCAE grade { $grade }
rule-stop-nerve = nerve conduction study on { $date } shows { $finding }
rule-stop-adverse-event = { $event } grade { $grade } on { $date }
rule-missing-doses = doses: no dose recorded since the start date
rule-missing-baseline-clasi = CLASI activity at baseline (on or before the start date)
rule-missing-taper-clasi = CLASI activity at the taper visit due { $due } (from { $from })
rule-missing-assessment-clasi = CLASI activity at the week-{ $week } assessment (due { $due }, from { $from })
rule-missing-sledai-baseline = SLEDAI-2K baseline (on or before the start date), needed to classify flares
rule-finding-lab = { $test } { $value } { $unit } on { $date }: grade { $grade }
rule-finding-adverse-event = { $event } on { $date }: grade { $grade }
rule-overlap = dose records overlap: { $level } until { $until } and { $next } from { $from }
rule-note = {" "}({ $note })
rule-deviation-event = { $event } on { $date }{ $note }: a protocol deviation
rule-unasked-given = { $to ->
    [none] { $level } given from { $from }
   *[other] { $level } given from { $from } to { $to }
}
rule-unasked = { $given }: the protocol asked for { $asked }
rule-unasked-later = { $given }: from { $day } the protocol asked for { $asked }
event-kind-pregnancy = pregnancy
event-kind-consent_withdrawn = consent withdrawn
event-kind-physician_decision = the physician's decision to stop
event-kind-life_threatening = life-threatening complication
event-kind-adverse_event = adverse event
event-kind-concomitant_change = change of concomitant medication
decision-no-protocol = The study's protocol cannot be read: { $error }
decision-not-enrolled = The subject is not enrolled yet, so the protocol has no decision to make.
decision-cannot-decide = The record cannot be decided on: { $why }
## Refusals of the record (the store): why an input was refused, said next to its field
# Words the catalogue does not hold (another part's error, said in English), as given.
refusal-untranslated = { $text }

# The checks every record shares: codes, free text, dates, numbers, coded values
refusal-required = is required
refusal-required-not-blank = is required and cannot be blanked
refusal-too-long = is longer than { $max } characters
refusal-code-characters = '{ $text }' is not allowed: 1 to { $max } characters from A-Z a-z 0-9 . _ -, starting with a letter or digit
refusal-site-code-dash = '{ $code }' is not allowed: no '-' in a site code, which joins it to the subject number (S01-007)
refusal-subject-code-prefix = '{ $code }' is not allowed here: a subject code at site { $site } starts with '{ $prefix }', then the subject's number there (e.g. { $prefix }007)
refusal-control-character = contains a control character ({ $code } at position { $position }); remove it
refusal-future = { $date } is in the future (today is { $today } UTC)
refusal-not-decimal = '{ $text }' is not a decimal number (digits, optional sign and point)
refusal-not-allowed = '{ $text }' is not allowed; allowed: { $allowed }
refusal-missing-not-allowed = needs a value here (not done, not applicable and unknown are not allowed)
refusal-wrong-type = expected { $expected }, got { $got }
refusal-type-text = text
refusal-type-int = a whole number
refusal-type-bool = yes or no
refusal-type-date = a date
refusal-removed = { $record } { $id } has been removed
refusal-not-a-field = is not a field of { $record }
refusal-no-such-reference = no { $record } with id { $id }

# A subject's records: dates against consent and each other, the subject they belong to
refusal-date-before-consent = { $date } is before consent ({ $consent })
refusal-no-consent-date = the subject has no consent date
refusal-end-before-start = { $end } is before the start ({ $start })
refusal-overlaps = overlaps { $record } record { $id } ({ $key } from { $start } { $end }); one at a time: change the dose from a date, or correct that record
refusal-still-running = still running
refusal-running-until = to { $date }
refusal-record-moves = a record cannot move to another subject
refusal-not-subject-record = '{ $entity }' is not a subject record
refusal-no-such-record = no { $record } { $id } for this subject
refusal-would-invalidate = the change would make { $record } { $id } invalid ({ $why })
refusal-of-field = { $field }: { $refusal }
refusal-void-enrolled = the subject was enrolled on { $date } and stays in the record; record how participation ended instead
refusal-not-voidable = '{ $kind }' is no kind of record; allowed: { $allowed }

# Subjects and their visits
refusal-birth-after-screening = is after the screening date
refusal-age-range = { $age } is outside 0 to { $max }
refusal-consent-waived = consent is waived in this retrospective review: leave it blank
refusal-index-before-birth = the index date is before the birth date
refusal-before-consent = is before consent ({ $consent })
refusal-consent-first = needs a consent date first
refusal-before-screening = is before the screening date
refusal-no-such-visit = no visit { $visit } for this subject
refusal-already-used = '{ $code }' is already used
refusal-visit-holds = holds { $records }: mark them entered in error first
refusal-record-id = { $record } { $id }

# Screening and enrolment, and what the latest eligibility checklist says
refusal-candidate-differs = { $theirs } differs from the subject's { $field } { $ours }
refusal-index-date-needed = a chart review judges the criteria at the drug start: give that date
refusal-index-date-prospective = only a retrospective review has an index date; this study screens today
refusal-enrol-by-enrolment = a subject is enrolled by enrolment, after screening (the eligibility checklist or an investigator's waiver)
refusal-enrol-chart-review = a chart review enrols at screening, from the index date, when the checklist says eligible
refusal-enrolled-already = the subject was enrolled on { $date }; correct the date on the subject instead
refusal-nothing-to-waive = the latest checklist says eligible: there is nothing to waive
refusal-randomise-eligible-only = { $checklist }: this study randomises eligible subjects only, so no waiver can enrol the subject
refusal-not-randomised = this study does not randomise: give no stratification factors
refusal-factor-twice = the factor is given twice
refusal-factor-unknown = the protocol has no such stratification factor; its factors are { $allowed }
refusal-factor-missing = required in this randomised study: choose the subject's level
refusal-factor-level = not a level of this factor; choose one of { $allowed }
refusal-randomised-stays = randomisation number { $number }: a randomised subject stays in the study (intention to treat); record how participation ended instead
refusal-randomised-enrolment = randomisation number { $number }: a randomised subject's enrolment date can be corrected but not removed
refusal-randomisation-changed = { $count } subjects are randomised under the current [randomisation] section; an amendment must leave it unchanged, or the allocation could no longer be reproduced
refusal-unblind-reason = give the emergency that needs the treatment known
refusal-unblind-confirm = type the subject's study id, { $code }, to confirm the unblinding
refusal-unblind-not-randomised = the subject was not randomised: there is no arm to show
refusal-unblind-no-secret = this server holds no allocation secret, so it cannot compute the arm: ask the unblinded statistician, who holds it
refusal-needs-waiver = { $checklist }: the subject cannot be enrolled unless an investigator waives it with a reason
refusal-checklist-none = no eligibility checklist is recorded
refusal-checklist-says = the checklist of { $date } says { $verdict }
refusal-checklist-says-why = the checklist of { $date } says { $verdict } ({ $criteria })
refusal-checklist-eligible = eligible
refusal-checklist-not-eligible = not eligible
refusal-checklist-incomplete = incomplete (some criteria unknown)
refusal-criterion-unknown = { $criterion } unknown
refusal-criterion-not-met = { $criterion } not met
refusal-criterion-applies = { $criterion } applies
refusal-consent-unchanged = the consent date stays { $date }: there is no change to give a reason for
refusal-consent-none-to-change = no consent date was recorded: there is no change to give a reason for

# Adverse events, doses and concomitant medications
refusal-term-needs-words = { $term } needs the event described in words
refusal-grade-zero = 0 is no adverse event; allowed: 1 to 5
refusal-grade-not-offered = { $term } has no grade { $grade } in CTCAE v5.0; allowed: { $allowed }
refusal-grade-fatal = grade 5 and a fatal outcome go together
refusal-not-enrolled = the subject is not enrolled
refusal-before-enrolment = is before enrolment ({ $date })
refusal-change-before-start = { $regimen } from { $start } is running since { $start }; a change must come after its start (correct or void that period instead)
refusal-nothing-to-stop = no period of { $drug } is running to stop
refusal-stop-has-no-end = a stop has no end; the next dose change starts the drug again
refusal-drug-unknown = { $problem }; a medication not listed is "other", named in words
refusal-other-drug-needs-name = another medication needs its name in words
refusal-frequency-needs-amount = a frequency needs the amount per dose
refusal-ongoing-no-end = an ongoing medication has no end date

# Laboratory results, nerve conduction, the course of participation, the protocol's decisions
refusal-lln-above-uln = { $lln } is above the ULN { $uln }
refusal-finding-needs-note = say what was found (required for another abnormality)
refusal-negative = { $value } is negative
refusal-before-chart-start = is before the chart's start ({ $date })
refusal-before-screening-on = is before screening ({ $date })
refusal-details-for-other = are required for 'other'
refusal-decision-missing = missing from the protocol's decision
refusal-starts-at-one = starts at 1
refusal-not-protocol-json = is not the protocol's JSON
refusal-reason-not-followed = is required when a decision is not followed
refusal-reason-only-not-followed = is only for a decision that was not followed

# Accounts, passwords, roles, sessions and API tokens
refusal-empty = is empty
refusal-min-characters = must have at least { $count } characters
refusal-password-guessable = is too easy to guess; use a passphrase of several unrelated words, not your login or name
refusal-password-guessable-because = is too easy to guess ({ $warning }); use a passphrase of several unrelated words, not your login or name
refusal-password-same = is the current password; choose another
refusal-unknown-role = unknown role '{ $text }'; allowed: { $allowed }
refusal-no-such-site = no site with code '{ $code }'
refusal-login-used = '{ $login }' is already used (logins are never reassigned)
refusal-role-held = { $login } already holds { $role } at { $site }
refusal-expired = { $date } has passed; give today or a later date
refusal-token-label-empty = is empty; say what the token is for

# Review: signatures, locks, data queries, source data verification
refusal-changed-before-signing = changed since you read it (now version { $version }, you saw { $seen }); review it again before signing
refusal-casebook-changed = changed since you reviewed it; review it again before signing
refusal-locked = { $what } was locked by { $name } on { $date }; a monitor must unlock it, with a reason, before it can change
refusal-locked-casebook = the subject's casebook
refusal-locked-record = { $record } record { $id }
refusal-open-queries = close its queries before locking: { $queries } not closed
refusal-open-query = query { $id } on { $record } { $field }
refusal-unlocked-already = it is unlocked already
refusal-no-field = { $record } has no field '{ $field }'
refusal-query-status = the query is { $status }; it cannot become { $to }
refusal-changed-before-verifying = changed since you read it (now version { $version }, you saw { $seen }); look at it again before verifying
refusal-no-field-to-verify = { $record } has no field '{ $field }' to verify
refusal-named-twice = '{ $name }' is named twice
refusal-verified-already = already verified by { $name } on { $date }

# The study record: its database, its backup, its protocol, reading it whole
refusal-db-url-empty = is empty; give sqlite://PATH or postgres://...
refusal-db-url-scheme = unknown scheme; allowed: sqlite://PATH, postgres://USER@HOST:PORT/DB
refusal-db-missing = no database at '{ $path }' (create one with `cletrial init`)
refusal-db-unreadable = '{ $path }' cannot be read ({ $error })
refusal-db-folder = '{ $path }' is a folder, not a study record file
refusal-db-empty = '{ $path }' is empty: not a cletrial study record (create one with `cletrial init`)
refusal-db-not-sqlite = '{ $path }' is not a SQLite database, so not a cletrial study record
refusal-db-not-a-record = { $db } is not a cletrial study record: it has no cletrial schema (create one with `cletrial init`)
refusal-db-newer = { $db } was written by a newer cletrial (its schema has migration { $migration }, which this one does not know): read it with that version
refusal-db-older = { $db } is a study record of an older cletrial (schema at migration { $reached }, this one's at { $latest }): a command that writes to it, such as `cletrial serve` or `cletrial site add`, upgrades it first; this command only reads
refusal-db-no-study = holds no study yet (run `cletrial init` first)
refusal-db-has-study = already holds a study; init runs once
refusal-backup-postgres = backup writes SQLite files; back up PostgreSQL with pg_dump or the server's own tools
refusal-file-exists = '{ $path }' already exists; choose a new file
refusal-path-not-utf8 = the path is not valid UTF-8
refusal-protocol-too-large = is larger than 1 MiB
refusal-no-such-kind = '{ $entity }' is no kind of record; known: { $known }
refusal-no-such-field-of = '{ $field }' is no field of { $record }
refusal-no-such-field-anywhere = '{ $field }' is no field of any record
refusal-not-study-wide = '{ $entity }' is not study-wide
refusal-head-format = '{ $text }' is not SEQ:HASH (a sequence number, ':', 64 lowercase hex digits)
