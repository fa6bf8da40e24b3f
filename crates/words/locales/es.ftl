# Las palabras que muestra cletrial, en español. Un mensaje por id: un tipo de registro
# (record-*), un campo (field-*), un valor codificado (value-<campo>-<código>), una zona del
# CLASI (clasi-area-*). Los ids son los de en.ftl; solo se traduce el texto tras "=".
# Terminología: CLASI según su versión española validada; acontecimiento adverso según la AEMPS;
# se conservan los nombres de fármacos y las siglas de los instrumentos (CLASI, SLEDAI-2K, CTCAE).

## Tipos de registro

record-study = estudio
record-site = centro
record-user = usuario
record-grant = asignación de rol
record-subject = sujeto
record-visit = visita
record-signature = firma
record-clasi = CLASI
record-lab = resultado de laboratorio
record-dose = dosis
record-adverse_event = acontecimiento adverso
record-sledai = SLEDAI-2K
record-decision = decisión del protocolo
record-eligibility = lista de comprobación de elegibilidad
record-disposition = finalización del estudio
record-protocol_event = acontecimiento del protocolo
record-deviation = desviación del protocolo
record-randomisation = aleatorización
record-unblinding = desenmascaramiento de urgencia
record-allocation_check = comprobación del secreto de asignación
record-conmed = medicación concomitante
record-history = antecedentes médicos
record-nerve_conduction = conducción nerviosa
record-nerve_conduction_study = estudio de conducción nerviosa
record-photo = fotografía de lesiones
record-central_reading = lectura central
record-download = descarga
record-query = consulta de datos
record-api_token = token de API
record-verification = verificación de datos fuente
record-lock = bloqueo

## Campos (las columnas del registro)
field-abnormal = anormal
field-action = acción
field-action_taken = medida adoptada con el fármaco del estudio
field-activity = actividad CLASI
field-actual_date = fecha de realización
field-age_years = edad (años)
field-alopecia = alopecia
field-amount = cantidad
field-amplitude_uv = amplitud (µV)
field-answer = respuesta
field-arthritis = artritis
field-assessed_on = fecha de evaluación
field-birth_date = fecha de nacimiento
field-category = categoría
field-causality = relación con el fármaco del estudio
field-code = código
field-collected_on = fecha de obtención
field-consent = consentimiento
field-consent_date = fecha del consentimiento
field-content_sha256 = huella del contenido (SHA-256)
field-cranial_nerve_disorder = alteración de pares craneales
field-credential_sha256 = huella de la contraseña
field-ctcae_grade = grado CTCAE
field-cva = accidente cerebrovascular
field-daily_dose_mg = dosis diaria (mg)
field-damage = daño CLASI
field-decided_on = fecha de la decisión
field-description = descripción
field-details = detalles
field-disabled = desactivado
field-disposition_date = fecha de finalización
field-dose = dosis
field-dose_level = nivel de dosis
field-drug = fármaco
field-dyspigmentation_lasts_12_months = discromía de 12 meses o más
field-eligible = elegible
field-end_date = fecha de fin
field-enrolment_date = fecha de inclusión
field-entity = registro
field-evaluated_on = fecha de valoración
field-event = acontecimiento
field-expires_on = caduca el
field-explanation = explicación
field-fever = fiebre
field-field = campo
field-finding = hallazgo
field-area = zona corporal
field-taken_on = fecha de la toma
field-caption = pie de foto
field-sha256 = SHA-256
field-media_type = tipo de archivo
field-byte_size = tamaño en bytes
field-file = archivo
field-photo_id = fotografía
field-reader_id = lector
field-erythema = eritema
field-scale = descamación
field-dyspigmentation = discromía
field-scarring = cicatrización
field-followed = decisión seguida
field-frequency = frecuencia
field-grade = grado
field-hematuria = hematuria
field-increased_dna_binding = anti-ADN elevado
field-indication = indicación
field-is_admin = administrador
field-label = etiqueta
field-leukopenia = leucopenia
field-lln = límite inferior de la normalidad
field-login = usuario
field-low_complement = complemento bajo
field-lupus_headache = cefalea lúpica
field-major = mayor
field-meaning = significado de la firma
field-meddra_code = código MedDRA
field-medication = medicación
field-mucosal_ulcers = úlceras mucosas
field-mucous_membrane = lesiones de las mucosas
field-must_change_password = debe cambiar la contraseña
field-myositis = miositis
field-name = nombre
field-nerve = nervio
field-nonscarring_alopecia = alopecia no cicatricial
field-not_followed_reason = motivo por el que no se siguió la decisión
field-note = nota
field-occurred_on = fecha en que ocurrió
field-ongoing = en curso
field-onset_date = fecha de inicio
field-organic_brain_syndrome = síndrome orgánico cerebral
field-outcome = desenlace
field-pericarditis = pericarditis
field-phase = fase
field-planned_date = fecha prevista
field-pleurisy = pleuritis
field-printed_name = nombre en letra de imprenta
field-proteinuria = proteinuria
field-protocol_sha256 = huella del protocolo (SHA-256)
field-protocol_text = protocolo
field-protocol_version = versión del protocolo
field-number = número de aleatorización
field-levels = niveles de estratificación
field-stratum = estrato
field-place = puesto en el estrato
field-randomised_on = fecha de aleatorización
field-unblinded_on = fecha de desenmascaramiento
field-secret_check = comprobación del secreto de asignación
field-registered_on = fecha de registro
field-reason = motivo
field-psychosis = psicosis
field-pyuria = piuria
field-question = pregunta
field-rash = exantema
field-recall_window = periodo evaluado
field-recent_hair_loss = caída reciente del cabello
field-record_id = número de registro
field-result = resultado
field-role = rol
field-route = vía
field-scarring_alopecia = alopecia cicatricial
field-score = puntuación
field-screening_date = fecha de selección
field-seizure = convulsiones
field-serious = grave
field-sex = sexo
field-side = lado
field-signed_at = firmado el
field-signer_id = firmante
field-site_id = centro
field-start_date = fecha de inicio
field-status = estado
field-subject_id = sujeto
field-subtype = subtipo de LEC
field-term = término
field-test = prueba
field-tested_on = fecha de la prueba
field-thrombocytopenia = trombocitopenia
field-title = título
field-token_sha256 = huella del token
field-uln = límite superior de la normalidad
field-unit = unidad
field-urinary_casts = cilindros urinarios
field-user_id = usuario
field-what = qué se descargó
field-file_name = nombre del archivo
field-value = valor
field-velocity_m_per_s = velocidad de conducción (m/s)
field-vasculitis = vasculitis
field-verbatim = término literal
field-visit_id = visita
field-visual_disturbance = alteraciones visuales
field-void_reason = motivo de la anulación
field-voided = anulado
field-voided_by_seq = anulado por el evento
field-record_version = versión del registro
field-verified_value = valor verificado
field-verifier_id = verificado por
field-verified_at = verificado el
field-cleared = anulada
field-clear_reason = motivo de la anulación de la verificación
field-cleared_by_seq = anulada por el evento
field-locked = bloqueado
field-locker_id = bloqueado por
field-locked_at = bloqueado el

## CLASI (Albrecht et al. 2005): zonas y los campos de los ítems de cada zona
clasi-area-scalp = Cuero cabelludo
clasi-area-ears = Orejas
clasi-area-nose_malar = Nariz (incl. región malar)
clasi-area-rest_of_face = Resto de la cara
clasi-area-v_neck = Zona en V del cuello (anterior)
clasi-area-posterior_neck_shoulders = Cuello posterior y/o hombros
clasi-area-chest = Tórax
clasi-area-abdomen = Abdomen
clasi-area-back_buttocks = Espalda, nalgas
clasi-area-arms = Brazos
clasi-area-hands = Manos
clasi-area-legs = Piernas
clasi-area-feet = Pies
field-scalp_erythema = Cuero cabelludo: eritema
field-scalp_scale = Cuero cabelludo: descamación / hipertrofia
field-scalp_dyspigmentation = Cuero cabelludo: discromía
field-ears_erythema = Orejas: eritema
field-ears_scale = Orejas: descamación / hipertrofia
field-ears_dyspigmentation = Orejas: discromía
field-ears_scarring = Orejas: cicatrización / atrofia / paniculitis
field-nose_malar_erythema = Nariz (incl. región malar): eritema
field-nose_malar_scale = Nariz (incl. región malar): descamación / hipertrofia
field-nose_malar_dyspigmentation = Nariz (incl. región malar): discromía
field-nose_malar_scarring = Nariz (incl. región malar): cicatrización / atrofia / paniculitis
field-rest_of_face_erythema = Resto de la cara: eritema
field-rest_of_face_scale = Resto de la cara: descamación / hipertrofia
field-rest_of_face_dyspigmentation = Resto de la cara: discromía
field-rest_of_face_scarring = Resto de la cara: cicatrización / atrofia / paniculitis
field-v_neck_erythema = Zona en V del cuello (anterior): eritema
field-v_neck_scale = Zona en V del cuello (anterior): descamación / hipertrofia
field-v_neck_dyspigmentation = Zona en V del cuello (anterior): discromía
field-v_neck_scarring = Zona en V del cuello (anterior): cicatrización / atrofia / paniculitis
field-posterior_neck_shoulders_erythema = Cuello posterior y/o hombros: eritema
field-posterior_neck_shoulders_scale = Cuello posterior y/o hombros: descamación / hipertrofia
field-posterior_neck_shoulders_dyspigmentation = Cuello posterior y/o hombros: discromía
field-posterior_neck_shoulders_scarring = Cuello posterior y/o hombros: cicatrización / atrofia / paniculitis
field-chest_erythema = Tórax: eritema
field-chest_scale = Tórax: descamación / hipertrofia
field-chest_dyspigmentation = Tórax: discromía
field-chest_scarring = Tórax: cicatrización / atrofia / paniculitis
field-abdomen_erythema = Abdomen: eritema
field-abdomen_scale = Abdomen: descamación / hipertrofia
field-abdomen_dyspigmentation = Abdomen: discromía
field-abdomen_scarring = Abdomen: cicatrización / atrofia / paniculitis
field-back_buttocks_erythema = Espalda, nalgas: eritema
field-back_buttocks_scale = Espalda, nalgas: descamación / hipertrofia
field-back_buttocks_dyspigmentation = Espalda, nalgas: discromía
field-back_buttocks_scarring = Espalda, nalgas: cicatrización / atrofia / paniculitis
field-arms_erythema = Brazos: eritema
field-arms_scale = Brazos: descamación / hipertrofia
field-arms_dyspigmentation = Brazos: discromía
field-arms_scarring = Brazos: cicatrización / atrofia / paniculitis
field-hands_erythema = Manos: eritema
field-hands_scale = Manos: descamación / hipertrofia
field-hands_dyspigmentation = Manos: discromía
field-hands_scarring = Manos: cicatrización / atrofia / paniculitis
field-legs_erythema = Piernas: eritema
field-legs_scale = Piernas: descamación / hipertrofia
field-legs_dyspigmentation = Piernas: discromía
field-legs_scarring = Piernas: cicatrización / atrofia / paniculitis
field-feet_erythema = Pies: eritema
field-feet_scale = Pies: descamación / hipertrofia
field-feet_dyspigmentation = Pies: discromía
field-feet_scarring = Pies: cicatrización / atrofia / paniculitis

## Valores codificados, por el campo que los contiene
value-what-report = el informe del estudio
value-what-tidy_csv = tablas CSV ordenadas
value-what-sdtm_csv = dominios SDTM en CSV
value-what-sdtm_xpt = dominios SDTM en archivos de transporte SAS
value-what-submission = carpeta de envío
value-what-report_by_arm = el informe del estudio por grupo (sin enmascarar)
value-what-submission_by_arm = carpeta de envío por grupo (sin enmascarar)
value-sex-F = mujer
value-sex-M = hombre
value-sex-U = desconocido
value-causality-unrelated = no relacionado
value-causality-unlikely = improbable
value-causality-possible = posible
value-causality-probable = probable
value-causality-definite = definitivo
value-action_taken-dose_not_changed = dosis sin cambios
value-action_taken-dose_reduced = dosis reducida
value-action_taken-dose_increased = dosis aumentada
value-action_taken-drug_interrupted = fármaco interrumpido
value-action_taken-drug_withdrawn = fármaco retirado
value-action_taken-not_applicable = no aplicable
value-action_taken-unknown = desconocido
value-outcome-recovered = recuperado
value-outcome-recovering = en recuperación
value-outcome-not_recovered = no recuperado
value-outcome-recovered_with_sequelae = recuperado con secuelas
value-outcome-fatal = mortal
value-outcome-unknown = desconocido
value-status-completed = completado
value-status-screen_failure = fallo de selección
value-status-adverse_event = acontecimiento adverso
value-status-lack_of_efficacy = falta de eficacia
value-status-withdrawal_by_subject = retirada por decisión del sujeto
value-status-physician_decision = decisión del médico
value-status-protocol_deviation = desviación del protocolo
value-status-pregnancy = embarazo
value-status-lost_to_follow_up = pérdida de seguimiento
value-status-death = fallecimiento
value-status-other = otro
value-status-open = abierta
value-status-answered = respondida
value-status-closed = cerrada
value-category-informed_consent = consentimiento informado
value-category-eligibility = elegibilidad
value-category-eligibility_waiver = incluido con una dispensa de elegibilidad
value-category-dosing = dosificación
value-category-visit_window = ventana de visita
value-category-missed_assessment = evaluación no realizada
value-category-procedure = procedimiento
value-category-other = otra
value-category-cutaneous_lupus = lupus cutáneo
value-category-systemic_lupus = lupus sistémico
value-category-prior_treatment = tratamiento previo
value-category-comorbidity = comorbilidad
value-event-pregnancy = embarazo
value-event-consent_withdrawn = retirada del consentimiento
value-event-physician_decision = decisión médica de suspender
value-event-life_threatening = complicación potencialmente mortal
value-event-concomitant_change = cambio de la medicación concomitante
value-side-left = izquierdo
value-side-right = derecho
value-finding-normal = normal
value-finding-sensory_polyneuropathy = polineuropatía sensitiva
value-finding-other = otra anomalía
value-missing-not_done = no realizado
value-missing-not_applicable = no aplicable
value-missing-unknown = desconocido
value-flag-true = sí
value-flag-false = no

## Qué hizo un evento de auditoría a su registro
action-create = introducido
action-update = modificado
action-remove = eliminado

## Selección: lo que leen los criterios de elegibilidad (los campos del candidato) y cómo se comparan
candidate-age_years = Edad
candidate-cle_histology_confirmed = LEC confirmado por histología
candidate-sle_diagnosis = Diagnóstico de LES
candidate-drug_received = Recibió el fármaco del estudio
candidate-max_erythema = Peor eritema CLASI de cualquier zona
candidate-clasi_erythema_scale = Eritema + descamación CLASI, todas las zonas
candidate-prednisone_mg_per_day = Prednisona
candidate-regimen_stable_days = Días con una pauta estable
candidate-refractory_months = Meses refractario al tratamiento habitual
candidate-bsa_percent = Superficie corporal afectada
candidate-thalidomide_severe_side_effects = Efectos adversos graves de la talidomida
candidate-thalidomide_lack_of_efficacy = La talidomida no fue eficaz
candidate-thalidomide_hypersensitivity = Hipersensibilidad a la talidomida
candidate-pregnant = Embarazada
candidate-lactating = Lactancia materna
candidate-reproductive_potential = Con capacidad reproductiva
candidate-adequate_contraception = Anticoncepción adecuada
candidate-sledai_2k = SLEDAI-2K
candidate-requires_systemic_immunosuppressants = Necesita inmunosupresores sistémicos
candidate-platelets = Plaquetas
candidate-leukocytes = Leucocitos
candidate-neutrophils = Neutrófilos
candidate-thrombosis_history = Antecedentes de trombosis
candidate-antiphospholipid_antibodies = Anticuerpos antifosfolípido
candidate-gfr = FG
candidate-progressive_renal_disease = Enfermedad renal progresiva
candidate-psychiatric_or_social_disorder = Trastorno psiquiátrico o social
candidate-hiv = VIH
candidate-viral_hepatitis = Hepatitis vírica
op-lt = inferior a
op-le = como máximo
op-gt = superior a
op-ge = como mínimo
op-eq = igual a
op-ne = distinto de
answer-true = sí
answer-false = no
not-recorded = no registrado
and = y
or = o
age-as-recorded = edad registrada
age-born = nacido el
age-screened = en la selección del
age-at-index = en la fecha índice
highest-erythema = eritema máximo
rule-of-nines = por la regla de los nueves
years = años
bsa-region-head_neck = cabeza y cuello
bsa-region-trunk = tronco
bsa-region-left_upper_limb = brazo izquierdo
bsa-region-right_upper_limb = brazo derecho
bsa-region-left_lower_limb = pierna izquierda
bsa-region-right_lower_limb = pierna derecha
bsa-region-perineum = periné
bsa-extent-whole = entera
bsa-extent-front = cara anterior
bsa-extent-back = cara posterior

## La decisión del protocolo y la lista de elegibilidad, como las resume el historial
value-action-continue = continuar
value-action-escalate = aumentar la dosis
value-action-taper = reducir progresivamente
value-action-withdraw = retirar el fármaco
value-action-reintroduce = reintroducir el fármaco
value-action-maintain = mantener
value-action-stop = suspender el fármaco del estudio
checklist-eligible = lista: elegible
checklist-not-eligible = lista: no elegible
checklist-incomplete = lista: incompleta

## Subtipos de LEC (INSTRUMENTS.md §6) y consentimiento
value-subtype-acle_localized = LECA localizado
value-subtype-acle_generalized = LECA generalizado
value-subtype-scle_annular = LECS anular
value-subtype-scle_papulosquamous = LECS papuloescamoso
value-subtype-dle_localized = LED localizado
value-subtype-dle_generalized = LED generalizado
value-subtype-dle_hypertrophic = LED hipertrófico
value-subtype-dle_mucosal = LED mucoso
value-subtype-lupus_profundus = Lupus profundo
value-subtype-chilblain = Lupus pernio (sabañones)
value-subtype-tumidus = Lupus túmido
value-subtype-other = Otro LEC
value-consent-waived = dispensado (revisión retrospectiva)

## Lo que puede hacer un rol (la denegación dice qué)
denied-administration = Esto requiere un administrador del estudio.
denied-action = Su función no le permite { $permission } aquí.
permission-read_subject = ver este sujeto
permission-screen = seleccionar candidatos
permission-enrol = incluir sujetos
permission-enter_visit_data = introducir datos de visita
permission-record_decision = registrar la decisión del protocolo
permission-record_adverse_event = registrar acontecimientos adversos
permission-raise_query = abrir consultas de datos
permission-answer_query = responder consultas de datos
permission-close_query = cerrar consultas de datos
permission-verify_source = verificar los datos con la fuente
permission-sign = firmar visitas
permission-read_history = ver el historial del registro
permission-read_identifiers = ver fechas de nacimiento y nombres del personal
permission-export = descargar conjuntos de datos
permission-read_arms = ver los grupos de un estudio aleatorizado
permission-emergency_unblind = desenmascarar a un sujeto en una emergencia
permission-read_unblindings = recibir aviso de los desenmascaramientos de urgencia
permission-manage_users = gestionar usuarios
permission-manage_sites = gestionar centros y parámetros del estudio
permission-read_centrally = puntuar fotografías de lesiones a ciegas (lectura central)
permission-lock = bloquear y desbloquear formularios y cuadernos de recogida de datos
value-phase-induction = inducción
value-phase-taper = reducción progresiva
value-phase-off_treatment = sin tratamiento
value-phase-maintenance = mantenimiento
value-phase-stopped = suspendido
value-response-cr = RC
value-response-pr = RP
value-response-nr = sin respuesta

## Listas de trabajo del panel: el nombre de cada lista y lo que contiene
worklist-visits-due = Visitas pendientes o atrasadas
worklist-visits-due-hint = Visitas programadas de sujetos que siguen en el estudio cuya ventana está abierta o se abre en una semana, y aquellas cuya ventana se cerró sin ninguna visita desde entonces.
worklist-forms-incomplete = Formularios incompletos
worklist-forms-incomplete-hint = Visitas de sujetos que siguen en el estudio sin ningún formulario registrado, o sin CLASI cuando la decisión del protocolo lo usa.
worklist-queries-to-answer = Consultas por responder
worklist-queries-to-answer-hint = Consultas de datos abiertas por un monitor que esperan la respuesta del centro.
worklist-decisions-to-record = Decisiones por registrar
worklist-decisions-to-record-hint = La última visita de cada sujeto que sigue en el estudio, con su CLASI y sin ninguna decisión del protocolo registrada desde entonces.
worklist-visits-to-sign = Visitas por firmar
worklist-visits-to-sign-hint = Visitas con datos y sin una firma vigente.
worklist-safety-signals = Señales de seguridad por revisar
worklist-safety-signals-hint = Acontecimientos adversos graves o de grado CTCAE 3 o superior, y resultados de laboratorio de grado 3 o superior que aún no figuran en el registro de acontecimientos adversos.
worklist-queries-to-close = Consultas por cerrar
worklist-queries-to-close-hint = Consultas de datos que el centro ha respondido y esperan que el monitor las cierre.
worklist-verification-to-do = Verificación pendiente
worklist-verification-to-do-hint = Sujetos con registros aún no verificados en su conjunto con la fuente, o cuya verificación anuló un cambio posterior.

## Los campos propios de la tabla del CLASI
field-blank_is_clear = Ítems en blanco

## Momentos como los lee su lector (las fechas de acontecimientos clínicos siguen en ISO, como en los formularios en papel)
date-time = { $day } { $month } { $year }, { $time }
month-1 = ene
month-2 = feb
month-3 = mar
month-4 = abr
month-5 = may
month-6 = jun
month-7 = jul
month-8 = ago
month-9 = sept
month-10 = oct
month-11 = nov
month-12 = dic

## Todas las páginas: el marco, la navegación, los avisos de la sesión
language-name = Español
layout-skip = Ir al contenido
nav-main = Principal
nav-dashboard = Panel
nav-subjects = Sujetos
nav-reading = Lectura central
nav-signed-in-as = Sesión iniciada como
nav-account = Su cuenta
nav-log-out = Cerrar sesión
session-warning = Su sesión terminará pronto si no continúa.
session-stay = Mantener la sesión
session-ending = Su sesión termina en { $seconds } segundos si no continúa.
session-ended = Su sesión ha terminado. Lo que envíe ahora se conserva: inicie sesión de nuevo y volverá para revisarlo y enviarlo.
session-restored = Su sesión había terminado, así que este formulario no se guardó. Lo que escribió ha vuelto: revíselo y envíelo de nuevo.

## La cuenta del usuario: contraseña e idioma
account-title = Su cuenta
account-password = Cambiar la contraseña
account-password-reset = Un administrador ha restablecido su contraseña. Elija la suya antes de continuar.
account-password-effect = Al cambiarla se cierran sus otras sesiones y se revocan sus tokens de API.
account-password-rule = Al menos { $min } caracteres y difícil de adivinar: una frase de varias palabras sin relación entre sí funciona bien. Ni su usuario ni su nombre.
account-current-password = Contraseña actual
account-new-password = Contraseña nueva
account-new-password-again = Repita la contraseña nueva
account-change-password = Cambiar la contraseña
account-enter-current = Escriba su contraseña actual.
account-passwords-differ = Las dos contraseñas nuevas no coinciden; escriba la misma dos veces.
account-new-refused = La contraseña nueva no es válida: { $reason }.
account-current-wrong = La contraseña actual no es correcta.
account-language = Idioma
account-language-legend = El idioma de las páginas
account-language-browser = El idioma del navegador
account-language-save = Guardar el idioma
account-language-choose = elija un idioma: English, Español o el del navegador

## Inicio de sesión
login-title = Iniciar sesión
login-session-ended-unsaved = Su sesión había terminado, así que el formulario no se guardó. Inicie sesión de nuevo: volverá a la página con lo que escribió, para revisarlo y enviarlo otra vez.
login-session-ended = Su sesión ha terminado. Inicie sesión de nuevo para volver a la página.
login-login = Usuario
login-password = Contraseña
login-enter-login = Escriba su usuario.
login-enter-password = Escriba su contraseña.
login-wrong = El usuario o la contraseña no son correctos.
login-failed-title = Intentos fallidos en su cuenta
login-failed-since = Desde su último inicio de sesión hubo
login-failed-count = { $count ->
    [one] 1 intento fallido
   *[other] { $count } intentos fallidos
}
login-failed-last = de iniciar sesión con su usuario (el último el { $last }).
login-failed-not-you = Si no fue usted, avise al administrador del estudio.
login-continue-dashboard = Continuar al panel
login-continue-page = Continuar a la página en la que estaba
wait-seconds = { $count } segundos
wait-minutes = { $count } minutos
too-many-attempts = Demasiadas contraseñas incorrectas: esta contraseña no se ha comprobado. Vuelva a intentarlo dentro de { $wait } o consulte al administrador del estudio.

## Formularios y páginas de rechazo
form-enter-date = Escriba una fecha (AAAA-MM-DD).
form-not-a-date = «{ $text }» no es una fecha; use AAAA-MM-DD.
form-enter = Escriba { $what }.
form-reason-required = Indique el motivo del cambio.
form-password-wrong = La contraseña no es correcta.
form-not-saved = No se ha guardado.
form-not-saved-then = Corrija los campos marcados abajo; todo lo que escribió se conserva.
form-not-shown = No se muestra.
form-not-shown-then = Corrija las opciones marcadas abajo.
form-conflict = Otra persona guardó antes:
form-already-sent = este formulario ya se había enviado (el botón Atrás o un segundo clic) y se guardó una vez; recargue la página para introducir algo nuevo
error-not-found = No encontrado
error-not-found-text = No existe esa página o registro, o pertenece a un centro en el que usted no tiene ningún rol.
error-forbidden = No permitido
error-cross-site = Formulario rechazado
error-cross-site-text = El formulario no procede de esta página o ha caducado. Vuelva atrás, recargue la página e inténtelo de nuevo.
error-refused = No se ha guardado
error-internal = Error del servidor
error-internal-text = El servidor no pudo completar esta solicitud. No se ha guardado nada; inténtelo de nuevo o avise al administrador del estudio.
error-back = Volver al panel

## El panel
role-investigator = investigador
role-coordinator = coordinador
role-monitor = monitor
role-statistician = estadístico
role-unblinded_statistician = estadístico no cegado
role-central_reader = lector central
role-sponsor = promotor
security-title = Incidencias de seguridad: contraseñas incorrectas repetidas
security-caption = Las { $count } más recientes; los siguientes intentos con estos usuarios y direcciones se retrasan
security-when = Cuándo
security-login = Usuario
security-address = Dirección
security-what = Qué ocurrió
security-address-unknown = desconocida
dashboard-protocol-version = versión del protocolo { $version }
dashboard-screen = Seleccionar un candidato
dashboard-all-subjects = Todos los sujetos de sus centros
dashboard-downloads = Informe y exportaciones
dashboard-downloads-link = Descargar el informe del estudio y los conjuntos de datos
dashboard-downloads-then = (seudonimizados: CSV ordenado, SDTM en CSV o en transporte SAS); cada descarga queda registrada en la pista de auditoría.
dashboard-no-role = Todavía no tiene ningún rol en ningún centro, así que no se muestran sujetos. Un administrador asigna los roles por centro.
dashboard-enrolment = Inclusión en sus centros
dashboard-enrolment-caption = Sujetos por centro: seleccionados, con consentimiento (o consentimiento dispensado en una revisión de historias), incluidos; consultas de datos sin resolver
dashboard-site = Centro
dashboard-roles = Sus roles
dashboard-screened = Seleccionados
dashboard-consented = Con consentimiento
dashboard-enrolled = Incluidos
dashboard-open-queries = Consultas abiertas
dashboard-safety-signals = Señales de seguridad
dashboard-signals-title = Señales de seguridad: graves o de grado CTCAE ≥ 3
dashboard-signal-site = (centro { $site }):
dashboard-signal-collected = , obtenido el { $date }
dashboard-signal-grade = , grado { $grade }
dashboard-signal-serious = , grave
dashboard-signal-from = , desde el { $date }

## La lista de sujetos y la página del sujeto
subjects-screen = Seleccionar un candidato
subjects-none = Todavía no hay sujetos en sus centros.
subjects-study-id = Código del estudio
subjects-site = Centro
subjects-sex = Sexo
subjects-subtype = Subtipo
subjects-screened = Selección
subjects-consent = Consentimiento
subjects-enrolled = Inclusión
subjects-list-title = Sujetos
subjects-born = Fecha de nacimiento
subjects-age-at-screening-label = Edad en la selección
subjects-chart-reviewed = Historia revisada
subjects-consent-waived = dispensado (revisión retrospectiva de historias)
subjects-index-date = Fecha índice (inicio del fármaco)
subjects-adverse-events = Acontecimientos adversos
subjects-verification = Verificación de datos fuente
subjects-history = Historial del registro
subjects-eligibility = Elegibilidad
subjects-no-checklist = No hay ninguna lista de elegibilidad registrada.
subjects-chart-not-enrolled = No incluido: la historia no cumple los criterios en la fecha índice. Una historia que no cumple puede eliminarse (Introducido por error).
subjects-enrolment-date = Fecha de inclusión (inicio del tratamiento)
subjects-not-eligible-hint = La última lista no indica elegible. Un investigador puede incluir igualmente al sujeto indicando el motivo: la dispensa se registra como desviación mayor del protocolo.
subjects-waiver = Dispensa: por qué incluirlo igualmente (solo el investigador)
subjects-enrol = Incluir
subjects-randomised-hint = Este estudio aleatoriza en la inclusión: elija el nivel del sujeto en cada factor. El sujeto recibe un número de aleatorización; el grupo no se muestra.
subjects-randomised-eligible-only = La última lista de comprobación no dice que es elegible: este estudio aleatoriza solo sujetos elegibles, así que el sujeto no puede incluirse.
subjects-factor-choose = elija un nivel
subjects-randomisation = Aleatorización
subjects-randomisation-is = número { $number }, aleatorizado el { $date } ({ $levels }; puesto { $place } en su estrato)
unblind-title = Desenmascaramiento de urgencia
unblind-hint = Solo cuando hay que conocer el tratamiento para atender al sujeto. El grupo se le muestra una vez; el desenmascaramiento se registra con su motivo, y los monitores y el estadístico no cegado ven que se hizo.
unblind-reason = La urgencia (por qué hay que conocer el tratamiento)
unblind-confirm = Escriba el identificador { $code } para confirmar
unblind-button = Desenmascarar a este sujeto
unblind-arm-is = Grupo: { $arm }
unblind-shown-once = Mostrado una vez, a usted: no se guarda en el registro ni se vuelve a mostrar.
unblind-none = No desenmascarado.
unblind-done = desenmascarado el { $date }: { $reason }
allocation-title = Asignación
allocation-not-randomised = Este estudio no aleatoriza.
allocation-no-secret = Este servidor no tiene el secreto de asignación, así que no puede mostrar grupos. Inícielo con --allocation-secret-file.
allocation-count = { $count } sujetos aleatorizados
allocation-arm = Grupo
allocation-unblindings = Desenmascaramientos de urgencia
nav-allocation = Asignación
nav-unblindings = Desenmascaramientos
unblindings-title = Desenmascaramientos de urgencia
unblindings-lead = Todos los desenmascaramientos de urgencia de todos los centros, del más reciente al más antiguo: cuándo, qué sujeto, quién y por qué. El grupo mostrado al investigador nunca se registra ni se muestra aquí.
unblindings-none = Aún no hay ningún desenmascaramiento de urgencia.
unblindings-count = { $count ->
    [one] 1 desenmascaramiento de urgencia
   *[other] { $count } desenmascaramientos de urgencia
}
unblindings-date = Fecha
unblindings-reason = Motivo
unblindings-site = Centro
unblindings-by = Desenmascarado por
dashboard-unblindings = { $count ->
    [0] Aún no hay ningún desenmascaramiento de urgencia.
    [one] Un desenmascaramiento de urgencia: vea la lista.
   *[other] { $count } desenmascaramientos de urgencia: vea la lista.
}
subjects-deviations = Desviaciones del protocolo
subjects-date = Fecha
subjects-category = Categoría
subjects-major = Mayor
subjects-description = Descripción
subjects-timeline = Cronología
subjects-visits = Visitas
subjects-no-visits = Todavía no hay visitas.
subjects-visit = Visita
subjects-planned = Prevista
subjects-done = Realizada
subjects-clasi-activity = Actividad CLASI
subjects-damage = Daño
subjects-correction = Corrección
subjects-add-visit-title = Añadir una visita
subjects-planned-on = Prevista el
subjects-done-on = Realizada el
subjects-add-visit = Añadir visita
subjects-count = { $count } sujetos en sus centros
subjects-title = Sujeto { $code }
subjects-age-at-screening = ({ $age } años en la selección)
subjects-age = { $age } años
subjects-deviation-major = mayor
subjects-deviation-minor = menor
subjects-next-visit = Próxima visita del calendario del protocolo: día { $day }, { $date }.

## El historial del registro
history-none = Ningún evento coincide.
history-pages = Páginas del historial
history-first = Primera página
history-record = Registro
history-field = Campo
history-user = Usuario
history-from = Desde (día UTC)
history-to = Hasta (día UTC)
history-show = Mostrar
history-clear = Quitar filtros
history-when = Cuándo
history-who = Quién
history-action = Acción
history-before = Antes
history-after = Después
history-reason = Motivo
history-first-entry = primera entrada
history-no-such-kind = «{ $kind }» no es un tipo de registro; elija uno de la lista
history-lead = historial del registro, del más antiguo al más reciente
history-events = Eventos { $first } a { $last } de la pista de auditoría
history-next = Siguientes { $count } eventos
history-title = Historial del registro · { $code }
history-any-record = cualquier registro
history-any-field = cualquier campo
history-page = Página
history-next-visit = { $action }, { $dose }; próxima visita { $next }
history-decision = { $action }, { $dose }

## El panel de la decisión del protocolo
decision-action = Acción
decision-dose = Dosis para el siguiente periodo
decision-phase = Fase
decision-response = Respuesta
decision-next-visit = Próxima visita
decision-next-lab = Próxima analítica
decision-physician-review = El protocolo no resuelve este caso: decide el investigador.
decision-why = Por qué
decision-title = Decisión del protocolo
decision-date-first = Primero indique la fecha de la visita.
decision-followed = seguida
decision-not-answered = aún sin responder
decision-investigator-records = El investigador del centro registra si se siguió la decisión.
decision-why-not = Si no: por qué (obligatorio)
decision-record = Registrar la decisión
decision-say-why = Indique por qué no se siguió la decisión.
decision-leave-blank = Deje esto en blanco si se siguió la decisión.
decision-cycle = ciclo { $cycle }
decision-not-assessed = no evaluada
decision-toxicity = Toxicidad: grado CTCAE { $grade }.
decision-deviations = Desviaciones:
decision-missing = Falta en el registro:
decision-on = Decisión del protocolo del { $date }
decision-recorded = Registrada:
decision-not-followed = no seguida
decision-followed-question = ¿Siguió la decisión del protocolo?
decision-yes-followed = sí, seguida
decision-no-not-followed = no, no seguida
decision-answer-yes-no = responda sí o no

## Niveles de dosis dichos por su cantidad y frecuencia (idiomas distintos del inglés del protocolo)
decimal-mark = ,
dose-level = { $drug } { $mg } mg { $frequency }
dose-level-off = { $drug } retirada

## Frecuencias de una dosis, por su código NCI (lista de códigos CDISC C71113)
frequency-C25473 = una vez al día
frequency-C64496 = dos veces al día
frequency-C64527 = tres veces al día
frequency-C64530 = cuatro veces al día
frequency-C64525 = en días alternos
frequency-C67069 = una vez por semana
frequency-C64497 = dos veces por semana
frequency-C64528 = tres veces por semana
frequency-C64531 = cuatro veces por semana
frequency-C85552 = cinco veces por semana
frequency-C98857 = seis veces por semana
frequency-C64595 = por la mañana
frequency-C64596 = por la noche
frequency-C64593 = al acostarse
frequency-C64499 = a demanda

## Consultas de datos
query-field = Campo
query-choose-field = elija el campo
query-title = Consultas de datos
query-none = No hay consultas.
query-open-title = Abrir una consulta
query-record = Registro
query-question-label = Pregunta
query-open = Abrir la consulta
query-answer-label = Respuesta
query-answer-button = Responder la consulta
query-close = Cerrar la consulta
query-target-subject = sujeto { $what }
query-target-visit = visita { $what }
query-target-clasi = CLASI de { $what }
query-target-sledai = SLEDAI-2K del { $what }
query-target-lab = analítica { $test } del { $date }
query-target-dose = dosis desde el { $what }
query-target-adverse_event = acontecimiento adverso { $what }
query-number = Consulta { $id }
query-on = sobre
query-question = Pregunta
query-answer = Respuesta
query-not-changed = La consulta { $id } no se ha modificado: { $why }
query-choose-record = elija uno de los registros del sujeto
query-what-field = el campo al que se refiere la pregunta
query-what-question = la pregunta
query-what-answer = la respuesta

## Descargas
download-made-now = Cada archivo se genera a partir del registro del estudio cuando lo solicita, así que contiene todo lo registrado hasta ese momento. Los sujetos figuran solo por su código del estudio. Cada descarga queda registrada en la pista de auditoría con su nombre y la hora.
download-not-offered = El archivo ODM y la pista de auditoría no se ofrecen aquí porque nombran al personal que introdujo y firmó los datos, y los estadísticos solo trabajan con datos seudonimizados.
download-title = Informe y exportaciones
download-report = El informe del estudio
download-report-describes = Una página web completa en sí misma: flujo de participantes, situación basal, cada resultado con su método, listados, figuras y tablas de seguridad, tal como los declara el plan de análisis del protocolo.
download-tidy-csv = Tablas CSV ordenadas
download-tidy-csv-describes = Una tabla por formulario, una fila por sujeto, visita y repetición, con un diccionario de datos, los códigos de valores ausentes y el protocolo vigente.
download-sdtm-csv = Dominios SDTM en CSV
download-sdtm-csv-describes = Los dominios CDISC SDTM (datos demográficos, visitas, exposición, acontecimientos adversos, analíticas, respuestas, finalización, elegibilidad, desviaciones, medicación) como archivos CSV, con sus variables descritas.
download-sdtm-xpt = Dominios SDTM en archivos de transporte SAS
download-sdtm-xpt-describes = Los mismos dominios como archivos SAS XPORT versión 5, tal como los reciben las autoridades reguladoras.
download-submission = Carpeta de envío
download-submission-describes = Los dominios SDTM y los conjuntos de datos de análisis ADaM, cada uno en archivos de transporte SAS y Dataset-JSON, con un archivo Define-XML 2.1 que describe cada carpeta.
download-report-by-arm = El informe del estudio por grupo (sin enmascarar)
download-report-by-arm-describes = El informe del estudio con cada resultado también dentro de cada grupo y cada proporción comparada entre los grupos, hecho con el secreto de asignación de este servidor. Desenmascara el estudio: manténgalo lejos del personal enmascarado.
download-submission-by-arm = Carpeta de envío por grupo (sin enmascarar)
download-submission-by-arm-describes = La carpeta de envío con el grupo de cada sujeto aleatorizado en SDTM DM y ADaM ADSL (las demás descargas dicen BLINDED). Desenmascara el estudio: manténgala lejos del personal enmascarado.
download-no-secret = Este servidor no tiene secreto de asignación y no puede hacer un archivo por grupo: inícielo con --allocation-secret-file.
download-protocol-refused = El informe no puede generarse a partir del protocolo de este estudio: { $error }.
download-data-refused = Este archivo no puede generarse a partir de los datos del estudio tal como están registrados: { $error }.

## Selección
screening-criterion = Criterio
screening-kind = Tipo
screening-status = Estado
screening-why = Por qué
screening-site = Centro
screening-chart-reviewed = Historia revisada el
screening-drug-started = Inicio del fármaco (la fecha índice)
screening-consent-signed = Consentimiento firmado el
screening-date = Fecha de selección
screening-retrospective = Una revisión retrospectiva de historias: el consentimiento se dispensa, los criterios se valoran al inicio del fármaco y una historia elegible se incluye desde esa fecha al registrarla.
screening-needs = Lo que necesitan los criterios
screening-birth-date-index = Fecha de nacimiento (edad en la fecha índice)
screening-checklist = Lista de comprobación de elegibilidad
screening-register = Registrar al candidato con esta lista
screening-title = Selección
screening-what-code = el código del estudio
screening-unit = unidad
screening-birth-date = Fecha de nacimiento (edad a partir de la fecha de selección)
screening-status-met = cumple
screening-status-not_met = no cumple
screening-status-unknown = desconocido
screening-eligible = elegible
screening-not-eligible = no elegible
screening-incomplete = incompleta: algunos criterios son desconocidos
screening-overall = Resultado global:
screening-kind-inclusion = inclusión
screening-kind-exclusion = exclusión
screening-code = Código del estudio (centro-número, p. ej. { $example }; nunca un nombre)
screening-protocol-unreadable = No se puede leer el protocolo del estudio:
screening-enter-birth-date = Escriba la fecha de nacimiento (el criterio de edad la necesita).
screening-birth-withheld = [fecha de nacimiento oculta]
screening-evaluated = Evaluada el { $date } (versión del protocolo { $version }):

## Acontecimientos adversos
adverse-term-label = Término CTCAE v5.0 (escriba una parte y elija)
adverse-did-you-mean = Quiso decir
adverse-none = No hay acontecimientos adversos registrados.
adverse-term = Término
adverse-start = Inicio
adverse-end = Fin
adverse-causality = Causalidad
adverse-action-taken = Medida adoptada
adverse-outcome = Desenlace
adverse-correction = Corrección
adverse-record-title = Registrar un acontecimiento adverso
adverse-verbatim = Tal como se notificó, con las palabras de quien lo notifica (opcional; obligatorio para un término «Other, specify»)
adverse-end-label = Fin (en blanco mientras continúe)
adverse-grade = Grado CTCAE v5.0
adverse-relationship = Relación con el fármaco del estudio
adverse-action-label = Medida adoptada con el fármaco del estudio
adverse-serious = Grave (muerte, potencialmente mortal, hospitalización, discapacidad, anomalía congénita o médicamente importante)
adverse-hint = Cualquier término CTCAE v5.0, p. ej. Peripheral sensory neuropathy, Neutrophil count decreased, Insomnia: escriba una parte y elíjalo de la lista. El grado debe ser uno de los que CTCAE da al término.
adverse-what-term = el término CTCAE del acontecimiento
adverse-alert = Alerta de seguridad:
adverse-alert-count = { $count ->
    [one] 1 acontecimiento adverso grave o de grado ≥ 3.
   *[other] { $count } acontecimientos adversos graves o de grado ≥ 3.
}
adverse-signal-grade = , grado CTCAE { $grade }
adverse-ongoing = en curso
adverse-title = Acontecimientos adversos · { $code }
adverse-choose-grade = elija un grado CTCAE del 1 al 5
ctcae-grade-1 = 1 leve
ctcae-grade-2 = 2 moderado
ctcae-grade-3 = 3 grave o médicamente significativo
ctcae-grade-4 = 4 potencialmente mortal
ctcae-grade-5 = 5 muerte relacionada con el acontecimiento

## Acontecimientos del protocolo y fin de la participación, como los dice la página del sujeto
course-event-pregnancy = Embarazo
course-event-consent_withdrawn = Retirada del consentimiento
course-event-physician_decision = Decisión médica de suspender
course-event-life_threatening = Complicación potencialmente mortal
course-event-concomitant_change = Cambio de la medicación concomitante
course-status-completed = Completado
course-status-screen_failure = Fallo de selección
course-status-adverse_event = Retirado: acontecimiento adverso
course-status-lack_of_efficacy = Retirado: falta de eficacia
course-status-withdrawal_by_subject = Retirado: retirada del consentimiento
course-status-physician_decision = Retirado: decisión del médico
course-status-protocol_deviation = Retirado: desviación del protocolo
course-status-pregnancy = Retirado: embarazo
course-status-lost_to_follow_up = Pérdida de seguimiento
course-status-death = Fallecimiento
course-status-other = Otro (indique cuál en los detalles)

## El curso de la participación
course-title = Acontecimientos y fin de la participación
course-none = Ningún acontecimiento registrado; la participación continúa.
course-date = Fecha
course-what = Qué
course-note = Nota
course-correction = Corrección
course-event = Acontecimiento
course-on = Fecha
course-note-optional = Nota (opcional)
course-record-event = Registrar el acontecimiento
course-ended = Fin de la participación
course-details = Detalles (obligatorios si es otro)
course-record-end = Registrar el fin de la participación

## Medicación concomitante
conmed-title = Medicación concomitante
conmed-none = Ninguna registrada.
conmed-medication = Medicación
conmed-route = Vía
conmed-taken = Tomada
conmed-why = Motivo
conmed-correction = Corrección
conmed-as-written = Tal como está escrita (obligatorio si es otra)
conmed-amount = Cantidad por toma
conmed-unit = Unidad
conmed-how-often = Frecuencia
conmed-why-optional = Motivo (opcional)
conmed-started = Inicio (en blanco: desconocido)
conmed-stopped = Fin
conmed-still-taken = Sigue tomándola
conmed-choose = elija una medicación
conmed-not-known = desconocida
conmed-start-not-known = inicio desconocido
conmed-taken-until = { $start } a { $end }
conmed-taken-ongoing = { $start }, en curso
conmed-taken-end-unknown = { $start }, fin desconocido
route-ORAL = vía oral
route-TOPICAL = vía tópica
route-INTRALESIONAL = intralesional
route-SUBCUTANEOUS = vía subcutánea
route-INTRAMUSCULAR = vía intramuscular
route-INTRAVENOUS = vía intravenosa

## La cronología del sujeto y la anulación de un registro introducido por error
timeline-visit = visita
timeline-clasi = CLASI
timeline-dose = dosis
timeline-adverse-event = acontecimiento adverso
timeline-decision = decisión
timeline-clasi-totals = actividad { $activity }, daño { $damage }
timeline-to = hasta el { $end }
timeline-not-answered = sin responder
timeline-nothing = Todavía no hay nada registrado.
timeline-chart-title = Actividad y daño CLASI a lo largo del tiempo, con los periodos de dosis, los acontecimientos adversos y las decisiones del protocolo
timeline-ae-row = AA
timeline-decision-row = Dec.
timeline-activity = actividad { $score }
timeline-damage = daño { $score }
timeline-key-activity = actividad CLASI
timeline-key-damage = daño CLASI
timeline-key-dose = periodo de dosis (más oscuro: más fármaco por semana)
timeline-key-ae = acontecimiento adverso (rojo: grave o de grado ≥ 3)
timeline-key-decision = decisión del protocolo
timeline-list = La cronología como lista
timeline-details = Detalles
void-summary = ¿Introducido por error?
void-why = Motivo (se conserva en la pista de auditoría)
void-button = Marcar como introducido por error
void-version = versión: recargue la página e inténtelo de nuevo

## Acontecimientos adversos (la tabla del registro)
adverse-grade-column = Grado
adverse-serious-column = Grave
adverse-record = Registrar el acontecimiento adverso

## Medicación concomitante (el formulario)
conmed-record = Registrar la medicación

## Selección: lo que deben ser las respuestas del candidato
screening-not-erythema = «{ $text }» no es una puntuación de eritema (0, 1, 2 o 3)
screening-not-a-number = «{ $text }» no es un número

## Unidades en que se escriben los criterios de elegibilidad (los símbolos como mg/day no cambian)
unit-years = años
unit-points = puntos
unit-days = días
unit-months = meses

## Listas de trabajo: el panel y la página de cada lista
worklist-your-work = Su trabajo
worklist-panel-caption = Qué hacer a continuación en sus centros; cada número abre su lista
worklist-list = Lista
worklist-to-do = Pendiente
worklist-holds = Qué contiene
worklist-subject = Sujeto
worklist-every-site = Todos los centros
worklist-sort-by = Ordenar por
worklist-order = Orden
worklist-sort-date = Fecha
worklist-sort-subject = Sujeto
worklist-sort-site = Centro
worklist-order-asc = Más antiguo o de la A primero
worklist-order-desc = Más reciente o de la Z primero
worklist-nothing = Nada pendiente aquí.
worklist-count = { $count } pendientes · página { $page } de { $pages }
worklist-pages = Páginas
worklist-previous = Página anterior
worklist-next = Página siguiente

## La página de verificación de datos fuente del monitor
sdv-title = Verificación de datos fuente · { $code }
sdv-subject = Sujeto { $code }
sdv-done = { $done } de { $all } registros verificados completos
sdv-hint = Marque los campos que comparó con la fuente y verifíquelos, o verifique el registro completo. Un cambio posterior anula la verificación de lo que cambió, con el motivo del cambio.
sdv-casebook-lock = Bloqueo del cuaderno
sdv-at-visit = en { $visit }
sdv-by = por { $name } el { $day }
sdv-locked = Bloqueado
sdv-locked-then = : no se acepta ningún cambio hasta que se desbloquee.
sdv-why-unlock = Motivo del desbloqueo
sdv-lock-form = Bloquear el formulario
sdv-unlock-form = Desbloquear el formulario
sdv-lock-casebook = Bloquear el cuaderno
sdv-unlock-casebook = Desbloquear el cuaderno
sdv-not-locked = No bloqueado.
sdv-verified = Verificado completo
sdv-cleared = Verificación anulada
sdv-again = Verifíquelo de nuevo.
sdv-to-do = Aún no verificado completo.
sdv-field = Campo
sdv-value = Valor
sdv-verified-column = Verificado
sdv-query = Consulta
sdv-ask = Preguntar
sdv-with-record = con el registro
sdv-verify-fields = Verificar los campos marcados
sdv-verify-record = Verificar el registro completo
sdv-tick-first = Marque los campos que comparó con la fuente, o verifique el registro completo.
sdv-no-record = el formulario no indica ningún registro; recargue la página
sdv-nothing-to-lock = el formulario no indica nada que bloquear; recargue la página

## Filas de las listas de trabajo: lo que hay que hacer, en palabras
worklist-scheduled-visits = { $count ->
    [one] 1 visita programada
   *[other] { $count } visitas programadas
}
worklist-week = Semana { $week }
worklist-day = Día { $day }
worklist-not-signed = { $visit }: sin firmar
worklist-records-not-verified = { $count ->
    [one] 1 registro sin verificar
   *[other] { $count } registros sin verificar
}
worklist-due = { $visit }: pendiente, ventana del { $from } al { $to }
worklist-due-missed = { $visit }: pendiente, ventana del { $from } al { $to }; sin visitas desde el { $seen }, han pasado { $missed }
worklist-overdue = { $visit }: atrasada, la ventana se cerró el { $to }
worklist-overdue-later = { $visit }: atrasada, la ventana se cerró el { $to }; después han pasado { $later }
worklist-no-form = { $visit }: ningún formulario registrado
worklist-no-clasi = { $visit }: sin CLASI registrado; la decisión del protocolo lo usa
worklist-no-decision = { $visit }: CLASI registrado, sin decisión todavía
worklist-signal = { $term }, grado { $grade }
worklist-signal-serious = { $term }, grado { $grade }, grave
worklist-lab-not-logged = { $term }, grado { $grade } (resultado de laboratorio): no figura en el registro de acontecimientos adversos

## The visit page
visit-planned = prevista { $date }
visit-done = realizada { $date }
visit-sections = Secciones
visit-labs = Laboratorio
visit-nerve = Conducción nerviosa
photos-title = Fotografías de lesiones
photos-none = Aún no hay fotografías de esta visita.
photos-choose-area = Elija la zona fotografiada
photos-area = Zona corporal (CLASI)
photos-file = Fotografía (JPEG o PNG)
photos-file-hint = Como máximo { $max } MB. Dónde y cuándo dice la cámara que se tomó (EXIF), y cualquier otro metadato, se eliminan antes de guardar la fotografía.
photos-upload = Subir fotografía
photos-alt = Fotografía: { $area }, tomada el { $date }
photos-too-large = el archivo ocupa más de { $max } MB, lo máximo para una fotografía
photos-unreadable = no se pudo leer el formulario ({ $error }); elija el archivo y envíelo de nuevo
reading-title = Lectura central
reading-page-title = Lectura { $id }
reading-lead = Puntúe la zona CLASI de cada fotografía solo por la imagen: no se muestra de quién es, ni dónde ni cuándo se tomó.
reading-none = No hay fotografías que leer.
reading-id = Lectura
reading-status = Estado
reading-done = puntuada
reading-to-do = por puntuar
reading-back = Volver a la lista
reading-score-area = Puntúe la zona: { $area }
reading-alt = Fotografía que puntuar: { $area }
reading-scored = Ya ha puntuado esta fotografía.
reading-save = Guardar puntuación
visit-decision = Decisión del protocolo
visit-dose = Dosis
visit-signature = Firma
visit-reason = Motivo del cambio
visit-save-clasi = Guardar CLASI
visit-save-sledai = Guardar SLEDAI-2K
visit-saved = Versión guardada
visit-saved-sledai = SLEDAI-2K { $score } (versión { $version })
visit-saved-clasi = Versión guardada (versión { $version }, evaluada el { $date })
visit-saved-totals = Actividad { $activity } · Daño { $damage }
visit-kept = Su versión se conserva en el formulario de arriba: compárela con esta y vuelva a guardarla con un motivo.
visit-lab-results = Resultados de laboratorio
visit-no-labs = Aún no hay resultados en esta visita.
visit-normal-range = LIN–LSN
visit-correction = Corrección
visit-lab-grade = { $term }, grado CTCAE { $grade }
visit-lab-unlogged = el { $date }: el registro de acontecimientos adversos aún no lo recoge.
visit-log-event = Registrarlo como acontecimiento adverso
visit-log-event-who = Lo registra un investigador o un coordinador del centro.
visit-no-lab-list = No se puede leer el protocolo del estudio, así que se desconoce su lista de pruebas.
visit-add-lab = Añadir resultado
visit-nerve-study = Estudio de conducción nerviosa
visit-tested-on = Realizado el { $date }:
visit-no-nerve-study = No hay ningún estudio de conducción nerviosa registrado.
visit-conclusion = Conclusión
visit-nerve-note = Nota (obligatoria para otra anomalía)
visit-save-nerve = Guardar el estudio de conducción nerviosa
visit-dose-given = Dosis administrada
visit-running = En curso: { $regimen } desde el { $date }
visit-running-none = En curso: ningún fármaco del estudio
visit-apply = Aplicar la decisión del protocolo: { $dose } desde el { $date }
visit-apply-or = O elija otra dosis abajo; el panel de decisión registra si se siguió el protocolo y, si no, por qué.
visit-no-levels = Este estudio no tiene niveles de dosis: introduzca la pauta tal como se prescribió.
visit-amount = Cantidad por dosis
visit-how-often = Frecuencia
visit-level = Dosis desde esta fecha
visit-preselected = Preseleccionada: la decisión del protocolo para esta visita, { $dose }.
visit-starting-on = A partir del
visit-dose-hint = El periodo en curso termina el día anterior; elija el nivel de suspensión para retirar el fármaco.
visit-record-dose = Registrar el cambio de dosis
visit-the-investigator = el investigador
visit-signed-by = Firmado por
visit-signed-at = el { $at }, con el significado de { $meaning }
visit-signature-void = anulada: { $reason }
visit-who-signs = Las visitas las firma un investigador del centro.
visit-sign-confirms = Firmar confirma el contenido de esta visita tal como está ahora. Un cambio posterior anula la firma.
visit-password = Su contraseña (de nuevo, para firmar)
visit-sign = Firmar la visita
visit-open-queries = Consultas de datos abiertas en este formulario
visit-see-query = ver la consulta
visit-bad-version = no es una versión del registro; vuelva a cargar la página
visit-no-protocol = no se puede leer el protocolo del estudio
visit-no-drug = el protocolo no nombra ningún fármaco del estudio
visit-choose-level = elija uno de los niveles de dosis del protocolo
visit-name = el nombre de la visita
visit-read-only = Solo lectura para su función: los investigadores y coordinadores del centro introducen los datos de la visita.
value-meaning-authorship = autoría
value-meaning-review = revisión
value-meaning-approval = aprobación
value-meaning-responsibility = responsabilidad

## The CLASI form (Albrecht et al. 2005): each item's header and the meaning of its levels
clasi-item-erythema = Eritema
clasi-level-erythema-0 = 0 ausente
clasi-level-erythema-1 = 1 rosado, tenue
clasi-level-erythema-2 = 2 rojo
clasi-level-erythema-3 = 3 rojo oscuro, violáceo, con costra
clasi-item-scale = Descamación / hipertrofia
clasi-level-scale-0 = 0 ausente
clasi-level-scale-1 = 1 descamación
clasi-level-scale-2 = 2 verrugosa, hipertrófica
clasi-item-dyspigmentation = Discromía
clasi-level-dyspigmentation-0 = 0 ausente
clasi-level-dyspigmentation-1 = 1 discromía
clasi-item-scarring = Cicatrización / atrofia / paniculitis
clasi-level-scarring-0 = 0 ausente
clasi-level-scarring-1 = 1 cicatrización
clasi-level-scarring-2 = 2 cicatrización muy atrófica o paniculitis
clasi-item-mucous_membrane = Lesiones de las mucosas
clasi-level-mucous_membrane-0 = 0 ausente
clasi-level-mucous_membrane-1 = 1 lesión o ulceración
clasi-item-recent_hair_loss = Caída reciente del cabello (en los últimos 30 días)
clasi-level-recent_hair_loss-0 = 0 no
clasi-level-recent_hair_loss-1 = 1 sí
clasi-item-nonscarring_alopecia = Alopecia no cicatricial
clasi-level-nonscarring_alopecia-0 = 0 ausente
clasi-level-nonscarring_alopecia-1 = 1 difusa, no inflamatoria
clasi-level-nonscarring_alopecia-2 = 2 focal o en placas en un cuadrante
clasi-level-nonscarring_alopecia-3 = 3 focal o en placas en más de un cuadrante
clasi-item-scarring_alopecia = Cicatrización del cuero cabelludo (alopecia cicatricial, valorada clínicamente)
clasi-level-scarring_alopecia-0 = 0 ausente
clasi-level-scarring_alopecia-3 = 3 en un cuadrante
clasi-level-scarring_alopecia-4 = 4 en dos cuadrantes
clasi-level-scarring_alopecia-5 = 5 en tres cuadrantes
clasi-level-scarring_alopecia-6 = 6 afecta a todo el cráneo
clasi-activity = Actividad
clasi-damage = Daño
clasi-this-area = Esta zona
clasi-incomplete = incompleto
clasi-not-yet-entered = — aún sin introducir
clasi-not-assessed = no evaluado
clasi-n-means = no explorado (distinto de 0: un total que lo necesita queda en blanco)
clasi-caption = Puntúe cada zona por su peor lesión: escriba el nivel, n donde no se exploró. Las flechas y el tabulador pasan de una casilla a otra.
clasi-see-scarring-alopecia = véase alopecia cicatricial
clasi-cell = { $field }, de 0 a { $top } o n
clasi-query = Consulta de datos: { $question }
clasi-lasts = La discromía suele durar 12 meses o más (duplica la puntuación de discromía)
clasi-blank-is-clear = Los elementos en blanco, en la tabla o arriba, se exploraron y están sin lesiones (0)
clasi-not-a-level = '{ $text }' no es un nivel de este elemento; se admite: { $allowed }, o n (no explorado)
clasi-blank-refused = { $count ->
    [one] 1 elemento está en blanco: escriba un nivel, o n donde no se exploró, en cada uno; o marque esta casilla si se exploraron y están sin lesiones
   *[other] { $count } elementos están en blanco: escriba un nivel, o n donde no se exploró, en cada uno; o marque esta casilla si se exploraron y están sin lesiones
}
clasi-blank-counted = { $count ->
    [one] 1 elemento en blanco, contado como sin lesiones
   *[other] { $count } elementos en blanco, contados como sin lesiones
}
clasi-answer-lasts = responda sí, no o desconocido
value-answer-yes = sí
value-answer-no = no
value-answer-unknown = desconocido

## The SLEDAI-2K checklist and the lab form
sledai-legend = Descriptores presentes en la visita o dentro del periodo de recuerdo (peso entre paréntesis)
sledai-window = Periodo de recuerdo
sledai-window-10d = 10 días (SLEDAI-2K)
sledai-window-30d = 30 días (variante validada)
sledai-choose-window = elija 10 días o 30 días
lab-needs-lln = no se puede graduar sin el límite inferior de la normalidad
lab-not-graded = CTCAE no gradúa esta prueba por su valor
lab-the-test = la prueba
lab-the-unit = la unidad
lab-choose-test = Elija una prueba
lab-choose-unit = Elija una unidad
lab-value = Valor (o { $missing })
lab-units = Unidades:
lab-graded = (graduada por CTCAE)
lab-grade-text = grado CTCAE { $grade } ({ $term })
lab-grade = Grado CTCAE:

## Why the protocol decided: the sentence of each rule that fired, with the values it used.
## $because is the protocol's own reason for a choice the sources leave open (its text, in the
## protocol's language), appended as rule-because says.
rule-because = {" "}({ $reason })
rule-versus = actividad CLASI { $activity } el { $date } frente a { $baseline } basal
rule-seen = actividad CLASI { $activity } el { $date }
rule-no-clasi = no hay actividad CLASI registrada
rule-stop = { $stop }: { $detail }
rule-start = iniciar con { $level } el { $date }
rule-baseline-missing = no hay actividad CLASI basal: no se puede valorar la respuesta
rule-relapse-seen = actividad CLASI { $activity } el { $date } (>= { $relapse }) tras respuesta completa, con { $level }
rule-relapse-maintenance = { $seen }: recaída en el ciclo { $cycle } durante la reducción; mantener { $level }, el nivel más bajo que mantuvo la remisión{ $because }
rule-relapse-reintroduce = { $seen }: recaída; reintroducir { $level } como ciclo { $cycle }{ $because }
rule-maintenance-planned = recaída durante la reducción en el ciclo { $cycle }: este ciclo solo reduce hasta { $level }, el nivel más bajo que mantuvo la remisión, y lo mantiene{ $because }
rule-off-observe = retirado desde el { $date } en remisión; una actividad CLASI >= { $relapse } sería una recaída
rule-maintenance-hold = mantener { $level }, el nivel más bajo que mantuvo la remisión
rule-taper-wait = en respuesta completa con { $level }: el siguiente paso de reducción corresponde el { $due }{ $counts }
rule-taper-missing-clasi = el paso de reducción del { $due } necesita una actividad CLASI desde el { $from }{ $because }
rule-taper-hold = { $seen } no es una respuesta completa (ni una recaída): mantener { $level }
rule-taper-withdraw = { $seen }, respuesta completa en el último paso { $level }: retirar
rule-taper-step = { $seen }, respuesta completa: reducir un paso, de { $level } a { $next }
rule-before-assessment = ciclo { $cycle } con { $level } desde el { $start }: la evaluación de la semana { $week } corresponde el { $due }{ $counts }
rule-assessment-missing-clasi = la decisión de la semana { $week } necesita una actividad CLASI desde el { $from }; no hay ninguna registrada{ $because }
rule-no-improvement = { $versus }: sin mejoría clínica en la semana { $week }{ $because }; aumentar a { $level }
rule-no-escalation = { $versus }: sin mejoría clínica, y el protocolo no tiene un nivel superior: decide el médico
rule-improvement = { $versus }: mejoría clínica en la semana { $week }{ $because }; seguir con { $level }
rule-escalated = aumentado a { $level } en el ciclo { $cycle }
rule-not-asked-improved = la evaluación de la semana { $week } ({ $versus }) mostró mejoría
rule-not-asked-unassessed = no la precedió ninguna evaluación de la semana { $week }
rule-not-asked = { $given } administrado desde el { $since } no lo pedía el protocolo ({ $why }): el protocolo pide { $asked }
rule-partial-response = { $latest }: respuesta parcial en la semana { $week }; continuar con { $level }
rule-no-response-physician = { $latest }: sin respuesta parcial (>= { $percent } %) en la semana { $week }; el protocolo no dice qué sigue, así que decide el médico{ $because }
rule-no-response-stop = { $latest }: sin respuesta parcial (>= { $percent } %) en la semana { $week }: suspender
rule-toxicity = toxicidad de grado CTCAE { $grade } señalada: { $findings }
rule-counts-that-day = ; una CLASI cuenta desde ese día, no antes
rule-counts-early = ; una CLASI cuenta desde el { $from } ({ $days } días antes)
rule-sledai-no-reference = SLEDAI-2K { $score } el { $date }: no hay SLEDAI-2K basal con que compararlo, así que no se puede valorar un brote
rule-since-previous = la puntuación anterior
rule-since-baseline = la basal
rule-flare = { $found ->
    [mild] un brote leve
    [severe] un brote grave
   *[none] sin brote
} ({ $rule ->
    [selena] la regla SELENA
   *[change] la regla de cambio del artículo
}: { $found ->
    [none] { $rule ->
        [selena] leve exige un aumento de 3 o más
       *[change] leve exige un aumento de más de 3
    }
   *[found] { $rule ->
        [selena] leve es un aumento de 3 o más, grave un aumento a más de 12
       *[change] leve es un aumento de más de 3, grave de más de 12
    }
})
rule-sledai = SLEDAI-2K { $reference } el { $on } -> { $score } el { $date } ({ $rise }) frente a { $since }{ $because }: { $verdict }
rule-adverse-event = acontecimiento adverso
rule-stop-event = { $event } el { $date }
rule-stop-lab = { $test } { $value } { $unit } el { $date } es de grado CTCAE { $grade }
rule-stop-nerve = el estudio de conducción nerviosa del { $date } muestra { $finding }
rule-stop-adverse-event = { $event } de grado { $grade } el { $date }
rule-missing-doses = dosis: no hay ninguna dosis registrada desde la fecha de inicio
rule-missing-baseline-clasi = actividad CLASI basal (en la fecha de inicio o antes)
rule-missing-taper-clasi = actividad CLASI en la visita de reducción del { $due } (desde el { $from })
rule-missing-assessment-clasi = actividad CLASI en la evaluación de la semana { $week } (el { $due }, desde el { $from })
rule-missing-sledai-baseline = SLEDAI-2K basal (en la fecha de inicio o antes), necesaria para clasificar los brotes
rule-finding-lab = { $test } { $value } { $unit } el { $date }: grado { $grade }
rule-finding-adverse-event = { $event } el { $date }: grado { $grade }
rule-overlap = los registros de dosis se solapan: { $level } hasta el { $until } y { $next } desde el { $from }
rule-note = {" "}({ $note })
rule-deviation-event = { $event } el { $date }{ $note }: una desviación del protocolo
rule-unasked-given = { $to ->
    [none] { $level } administrado desde el { $from }
   *[other] { $level } administrado del { $from } al { $to }
}
rule-unasked = { $given }: el protocolo pedía { $asked }
rule-unasked-later = { $given }: desde el { $day } el protocolo pedía { $asked }
event-kind-pregnancy = embarazo
event-kind-consent_withdrawn = retirada del consentimiento
event-kind-physician_decision = la decisión del médico de suspender
event-kind-life_threatening = complicación potencialmente mortal
event-kind-adverse_event = acontecimiento adverso
event-kind-concomitant_change = cambio de medicación concomitante
decision-no-protocol = No se puede leer el protocolo del estudio: { $error }
decision-not-enrolled = El sujeto aún no está incluido, así que el protocolo no tiene ninguna decisión que tomar.
decision-cannot-decide = No se puede decidir sobre el registro: { $why }
## Rechazos del registro (el almacén): por qué se rechazó un dato, junto a su campo
# Palabras que el catálogo no tiene (el error de otra parte, en inglés), tal cual.
refusal-untranslated = { $text }

# Las comprobaciones comunes a todos los registros: códigos, texto libre, fechas, números, valores codificados
refusal-required = es obligatorio
refusal-required-not-blank = es obligatorio y no puede quedar en blanco
refusal-too-long = tiene más de { $max } caracteres
refusal-code-characters = '{ $text }' no es válido: de 1 a { $max } caracteres de A-Z a-z 0-9 . _ -, empezando por una letra o un dígito
refusal-site-code-dash = '{ $code }' no es válido: un código de centro no lleva '-', que lo une al número del sujeto (S01-007)
refusal-subject-code-prefix = '{ $code }' no es válido aquí: el código de un sujeto del centro { $site } empieza por '{ $prefix }', seguido de su número en el centro (p. ej., { $prefix }007)
refusal-control-character = contiene un carácter de control ({ $code } en la posición { $position }); elimínelo
refusal-future = { $date } es una fecha futura (hoy es { $today } UTC)
refusal-not-decimal = '{ $text }' no es un número decimal (dígitos, con signo y punto opcionales)
refusal-not-allowed = '{ $text }' no es válido; se admite: { $allowed }
refusal-missing-not-allowed = necesita un valor aquí (no se admite «no realizado», «no aplicable» ni «desconocido»)
refusal-wrong-type = se esperaba { $expected } y se recibió { $got }
refusal-type-text = texto
refusal-type-int = un número entero
refusal-type-bool = sí o no
refusal-type-date = una fecha
refusal-removed = { $record } { $id } se ha eliminado
refusal-not-a-field = no es un campo de { $record }
refusal-no-such-reference = no existe { $record } con el id { $id }

# Los registros de un sujeto: fechas frente al consentimiento y entre sí, el sujeto al que pertenecen
refusal-date-before-consent = { $date } es anterior al consentimiento ({ $consent })
refusal-no-consent-date = el sujeto no tiene fecha de consentimiento
refusal-end-before-start = { $end } es anterior al inicio ({ $start })
refusal-overlaps = se solapa con el registro de { $record } { $id } ({ $key } desde el { $start } { $end }); de uno en uno: cambie la dosis a partir de una fecha o corrija ese registro
refusal-still-running = todavía en curso
refusal-running-until = hasta el { $date }
refusal-record-moves = un registro no puede pasar a otro sujeto
refusal-not-subject-record = '{ $entity }' no es un registro de un sujeto
refusal-no-such-record = este sujeto no tiene { $record } { $id }
refusal-would-invalidate = el cambio invalidaría { $record } { $id } ({ $why })
refusal-of-field = { $field }: { $refusal }
refusal-void-enrolled = el sujeto se incluyó el { $date } y permanece en el registro; registre en su lugar cómo terminó su participación
refusal-not-voidable = '{ $kind }' no es un tipo de registro; se admite: { $allowed }

# Los sujetos y sus visitas
refusal-birth-after-screening = es posterior a la fecha de selección
refusal-age-range = { $age } está fuera del intervalo de 0 a { $max }
refusal-consent-waived = en esta revisión retrospectiva se exime del consentimiento: déjelo en blanco
refusal-index-before-birth = la fecha índice es anterior a la fecha de nacimiento
refusal-before-consent = es anterior al consentimiento ({ $consent })
refusal-consent-first = necesita antes una fecha de consentimiento
refusal-before-screening = es anterior a la fecha de selección
refusal-no-such-visit = este sujeto no tiene la visita { $visit }
refusal-already-used = '{ $code }' ya está en uso
refusal-visit-holds = contiene { $records }: márquelos antes como introducidos por error
refusal-record-id = { $record } { $id }

# La selección y la inclusión, y lo que dice la última lista de comprobación de elegibilidad
refusal-candidate-differs = { $theirs } no coincide con el dato del sujeto ({ $field }: { $ours })
refusal-index-date-needed = una revisión de historias clínicas valora los criterios al inicio del fármaco: indique esa fecha
refusal-index-date-prospective = solo una revisión retrospectiva tiene fecha índice; este estudio hace la selección hoy
refusal-enrol-by-enrolment = un sujeto se incluye con la inclusión, tras la selección (la lista de comprobación de elegibilidad o la exención de un investigador)
refusal-enrol-chart-review = una revisión de historias clínicas incluye al sujeto en la selección, desde la fecha índice, si la lista de comprobación dice que es elegible
refusal-enrolled-already = el sujeto se incluyó el { $date }; corrija en su lugar la fecha en el sujeto
refusal-nothing-to-waive = la última lista de comprobación dice que es elegible: no hay nada que eximir
refusal-randomise-eligible-only = { $checklist }: este estudio aleatoriza solo sujetos elegibles, así que ninguna exención puede incluir al sujeto
refusal-not-randomised = este estudio no aleatoriza: no indique factores de estratificación
refusal-factor-twice = el factor se indica dos veces
refusal-factor-unknown = el protocolo no tiene ese factor de estratificación; sus factores son { $allowed }
refusal-factor-missing = obligatorio en este estudio aleatorizado: elija el nivel del sujeto
refusal-factor-level = no es un nivel de este factor; elija uno de { $allowed }
refusal-randomised-stays = número de aleatorización { $number }: un sujeto aleatorizado sigue en el estudio (intención de tratar); registre en su lugar cómo terminó su participación
refusal-randomised-enrolment = número de aleatorización { $number }: la fecha de inclusión de un sujeto aleatorizado puede corregirse, pero no eliminarse
refusal-randomisation-changed = hay { $count } sujetos aleatorizados con la sección [randomisation] actual; una enmienda debe dejarla sin cambios o la asignación ya no podría reproducirse
refusal-unblind-reason = indique la emergencia que exige conocer el tratamiento
refusal-unblind-confirm = escriba el identificador del sujeto, { $code }, para confirmar el desenmascaramiento
refusal-unblind-not-randomised = el sujeto no fue aleatorizado: no hay grupo que mostrar
refusal-unblind-no-secret = este servidor no tiene el secreto de asignación y no puede calcular el grupo: pídalo al estadístico no cegado, que lo tiene
refusal-allocation-unregistered = el secreto de asignación del estudio no está registrado, así que aún nadie puede ser aleatorizado ni desenmascarado: un administrador registra antes su comprobación (cletrial allocation register)
refusal-allocation-wrong-secret = este secreto de asignación no es el del estudio: su comprobación difiere de la registrada el { $date }, así que calcularía grupos erróneos
refusal-allocation-check-format = una comprobación son los 64 dígitos hexadecimales que imprimió cletrial allocation secret
refusal-allocation-not-randomised = el protocolo del estudio no declara [randomisation]: no hay secreto de asignación que registrar
refusal-allocation-registered = el secreto de asignación del estudio se registró el { $date } y nunca cambia: este es otro secreto
refusal-needs-waiver = { $checklist }: el sujeto no puede incluirse salvo que un investigador lo exima con un motivo
refusal-checklist-none = no hay ninguna lista de comprobación de elegibilidad registrada
refusal-checklist-says = la lista de comprobación del { $date } dice { $verdict }
refusal-checklist-says-why = la lista de comprobación del { $date } dice { $verdict } ({ $criteria })
refusal-checklist-eligible = elegible
refusal-checklist-not-eligible = no elegible
refusal-checklist-incomplete = incompleta (hay criterios desconocidos)
refusal-criterion-unknown = { $criterion } desconocido
refusal-criterion-not-met = { $criterion } no cumplido
refusal-criterion-applies = { $criterion } se cumple
refusal-consent-unchanged = la fecha de consentimiento sigue siendo { $date }: no hay ningún cambio que justificar
refusal-consent-none-to-change = no se registró fecha de consentimiento: no hay ningún cambio que justificar

# Acontecimientos adversos, dosis y medicación concomitante
refusal-term-needs-words = { $term } necesita que se describa el acontecimiento con palabras
refusal-grade-zero = 0 no es un acontecimiento adverso; se admite de 1 a 5
refusal-grade-not-offered = { $term } no tiene grado { $grade } en CTCAE v5.0; se admite: { $allowed }
refusal-grade-fatal = el grado 5 y un desenlace mortal van juntos
refusal-not-enrolled = el sujeto no está incluido
refusal-before-enrolment = es anterior a la inclusión ({ $date })
refusal-change-before-start = { $regimen } desde el { $start } está en curso desde el { $start }; un cambio debe ser posterior a su inicio (en su lugar, corrija ese periodo o márquelo como introducido por error)
refusal-nothing-to-stop = no hay ningún periodo de { $drug } en curso que suspender
refusal-stop-has-no-end = una suspensión no tiene fecha de fin; el siguiente cambio de dosis reanuda el fármaco
refusal-drug-unknown = { $problem }; un medicamento que no figura en la lista es "other" (otro), con su nombre en palabras
refusal-other-drug-needs-name = otro medicamento necesita su nombre en palabras
refusal-frequency-needs-amount = una frecuencia necesita la cantidad por dosis
refusal-ongoing-no-end = una medicación en curso no tiene fecha de fin

# Resultados de laboratorio, conducción nerviosa, el curso de la participación, las decisiones del protocolo
refusal-lln-above-uln = { $lln } es superior al LSN { $uln }
refusal-finding-needs-note = indique qué se encontró (obligatorio para otra anomalía)
refusal-negative = { $value } es negativo
refusal-before-chart-start = es anterior al inicio de la historia clínica ({ $date })
refusal-before-screening-on = es anterior a la selección ({ $date })
refusal-details-for-other = son obligatorios para 'otro'
refusal-decision-missing = falta en la decisión del protocolo
refusal-starts-at-one = empieza en 1
refusal-not-protocol-json = no es el JSON del protocolo
refusal-reason-not-followed = es obligatorio cuando no se sigue una decisión
refusal-reason-only-not-followed = solo corresponde a una decisión que no se siguió

# Cuentas, contraseñas, roles, sesiones y tokens de API
refusal-empty = está en blanco
refusal-min-characters = debe tener al menos { $count } caracteres
refusal-password-guessable = es demasiado fácil de adivinar; use una frase de varias palabras sin relación entre sí, no su usuario ni su nombre
refusal-password-guessable-because = es demasiado fácil de adivinar ({ $warning }); use una frase de varias palabras sin relación entre sí, no su usuario ni su nombre
refusal-password-same = es la contraseña actual; elija otra
refusal-unknown-role = rol desconocido '{ $text }'; se admite: { $allowed }
refusal-no-such-site = no hay ningún centro con el código '{ $code }'
refusal-login-used = '{ $login }' ya está en uso (los usuarios nunca se reasignan)
refusal-role-held = { $login } ya tiene el rol de { $role } en { $site }
refusal-expired = { $date } ya ha pasado; indique hoy o una fecha posterior
refusal-token-label-empty = está en blanco; indique para qué es el token

# Revisión: firmas, bloqueos, consultas de datos, verificación de datos fuente
refusal-changed-before-signing = ha cambiado desde que lo leyó (ahora es la versión { $version }, usted vio la { $seen }); revíselo de nuevo antes de firmar
refusal-casebook-changed = ha cambiado desde que lo revisó; revíselo de nuevo antes de firmar
refusal-locked = { $name } bloqueó { $what } el { $date }; un monitor debe desbloquearlo, con un motivo, antes de que pueda cambiar
refusal-locked-casebook = el cuaderno de recogida de datos del sujeto
refusal-locked-record = el registro { $record } { $id }
refusal-open-queries = cierre sus consultas de datos antes de bloquear: { $queries } sin cerrar
refusal-open-query = consulta { $id } sobre { $record } { $field }
refusal-unlocked-already = ya está desbloqueado
refusal-no-field = { $record } no tiene el campo '{ $field }'
refusal-query-status = la consulta de datos está { $status }; no puede pasar a { $to }
refusal-changed-before-verifying = ha cambiado desde que lo leyó (ahora es la versión { $version }, usted vio la { $seen }); revíselo de nuevo antes de verificarlo
refusal-no-field-to-verify = { $record } no tiene el campo '{ $field }' que verificar
refusal-named-twice = '{ $name }' se indica dos veces
refusal-verified-already = ya lo verificó { $name } el { $date }

# El registro del estudio: su base de datos, su copia de seguridad, su protocolo, su lectura completa
refusal-db-url-empty = está en blanco; indique sqlite://RUTA o postgres://...
refusal-db-url-scheme = esquema desconocido; se admite: sqlite://RUTA, postgres://USUARIO@SERVIDOR:PUERTO/BD
refusal-db-missing = no hay ninguna base de datos en '{ $path }' (cree una con `cletrial init`)
refusal-db-unreadable = '{ $path }' no se puede leer ({ $error })
refusal-db-folder = '{ $path }' es una carpeta, no un archivo de registro del estudio
refusal-db-empty = '{ $path }' está vacío: no es un registro de estudio de cletrial (cree uno con `cletrial init`)
refusal-db-not-sqlite = '{ $path }' no es una base de datos SQLite, así que no es un registro de estudio de cletrial
refusal-db-not-a-record = { $db } no es un registro de estudio de cletrial: no tiene el esquema de cletrial (cree uno con `cletrial init`)
refusal-db-newer = { $db } lo escribió una versión más reciente de cletrial (su esquema tiene la migración { $migration }, que esta no conoce): léalo con esa versión
refusal-db-older = { $db } es un registro de estudio de una versión anterior de cletrial (esquema en la migración { $reached }, el de esta en la { $latest }): una orden que escribe en él, como `cletrial serve` o `cletrial site add`, lo actualiza primero; esta orden solo lee
refusal-db-no-study = todavía no contiene ningún estudio (ejecute antes `cletrial init`)
refusal-db-has-study = ya contiene un estudio; init se ejecuta una sola vez
refusal-backup-postgres = la copia de seguridad escribe archivos SQLite; haga la copia de PostgreSQL con pg_dump o con las herramientas del propio servidor
refusal-file-exists = '{ $path }' ya existe; elija un archivo nuevo
refusal-path-not-utf8 = la ruta no es UTF-8 válido
refusal-photo-empty = el archivo está vacío; elija una fotografía JPEG o PNG
refusal-photo-too-large = ocupa { $size }; una fotografía puede ocupar como máximo { $max }
refusal-photo-not-image = no es una fotografía JPEG ni PNG (se juzga por su contenido, no por su nombre); solo se admiten JPEG y PNG
refusal-photo-damaged = empieza como { $type } pero su cabecera no se puede leer ({ $detail }); solo se admiten fotografías JPEG y PNG completas
refusal-photo-file-io = no se pudo escribir la fotografía en '{ $path }': { $error }
refusal-photo-no-directory = este registro no tiene directorio de fotografías; un registro PostgreSQL necesita que se indique uno (--files)
refusal-scalp-no-scarring = el cuero cabelludo no tiene ítem de cicatrización (se puntúa como alopecia cicatricial); déjelo en blanco
refusal-protocol-too-large = ocupa más de 1 MiB
refusal-no-such-kind = '{ $entity }' no es un tipo de registro; se conocen: { $known }
refusal-no-such-field-of = '{ $field }' no es un campo de { $record }
refusal-no-such-field-anywhere = '{ $field }' no es un campo de ningún registro
refusal-not-study-wide = '{ $entity }' no es de todo el estudio
refusal-head-format = '{ $text }' no es SEQ:HASH (un número de secuencia, ':', 64 dígitos hexadecimales en minúscula)

## Outcome instruments (docs/OUTCOMES.md): the record's questionnaire, its refusals, the visit
## page's forms, answers and scores. The questions' own texts are the study's (serve --item-texts).
record-questionnaire = instrumento de resultados
field-instrument = instrumento
field-completed_on = fecha de cumplimentación
field-source = respondido por
field-answers = respuestas
field-unanswered_reason = motivo de los ítems sin respuesta
value-source-clinician = la evaluación del investigador
value-source-paper = el paciente, en papel (transcrito por el personal)
value-instrument-dlqi = DLQI
value-instrument-skindex = Skindex-29+3
value-instrument-worst_itch_nrs = EVN del peor prurito (0-10, últimas 24 horas)
value-instrument-worst_pain_nrs = EVN del peor dolor (0-10, últimas 24 horas)
value-instrument-cla_iga_r = CLA-IGA-R
value-instrument-pga_skin = PGA-piel
refusal-instrument-not-collected = este estudio no recoge { $instrument }
refusal-unknown-item = { $item } no es un ítem de { $instrument }; sus ítems son { $items }
answer-not_at_all = nada
answer-a_little = un poco
answer-a_lot = mucho
answer-very_much = muchísimo
answer-not_relevant = no procede
answer-yes = sí
answer-no_a_lot = no, y mucho
answer-no_a_little = no, y un poco
answer-no_not_at_all = no, y nada
answer-no = no (sin responder la continuación)
answer-never = nunca
answer-rarely = rara vez
answer-sometimes = a veces
answer-often = a menudo
answer-all_the_time = siempre
outcomes-title = Instrumentos de resultados
outcomes-unanswered = sin respuesta
outcomes-save = Guardar { $instrument }
outcomes-saved = Guardado el { $date } (versión { $version }), { $source }.
outcomes-scores = Puntuaciones
outcomes-no-scores = Sin puntuación derivada: las respuestas son la medida.
outcomes-not-scored = no calculada: { $why }
outcomes-too-many-unanswered = { $unanswered } preguntas sin respuesta; se admiten como mucho { $allowed }
outcomes-too-many-missing = { $missing } de { $items } ítems sin respuesta; se admite como mucho un { $percent } %
outcomes-no-texts = No se muestran los textos de las preguntas: el estudio no los ha facilitado (solo los identificadores).
score-DLQITOT = DLQI total (0-30)
score-DLQIBAND = qué significa el total
score-DLQISF = síntomas y sentimientos
score-DLQIDA = actividades diarias
score-DLQILE = ocio
score-DLQIWS = trabajo y estudios
score-DLQIPR = relaciones personales
score-DLQITR = tratamiento
score-SKXSYM = Skindex síntomas (0-100)
score-SKXEMO = Skindex emociones (0-100)
score-SKXFUN = Skindex funcionamiento (0-100)
score-SKXLUP = Skindex ítems de lupus (0-100)
value-dlqi_band-no_effect = ningún efecto en la vida del paciente
value-dlqi_band-small_effect = efecto pequeño
value-dlqi_band-moderate_effect = efecto moderado
value-dlqi_band-very_large_effect = efecto muy grande
value-dlqi_band-extremely_large_effect = efecto extremadamente grande
