// Every word the window shows, in French (the default) and in English.
//
// `ui` holds the window's own words; `problems` says, for each code of palabre-core's `LinkError::code()` and
// palabre-rtc's `CallError::code()`, what is wrong (`problem`) and what the agent can do about it (`action`), in
// words for people who are not technicians. Rust tests (src-tauri/commands.rs) check that every code has an entry
// in both languages.

export const DEFAULT_LANGUAGE = "fr" as const;

export const MESSAGES = {
  fr: {
    name: "Français",
    ui: {
      "app.tagline": "Réunions vidéo du service public",
      "app.version": "version {version}",
      "link.label": "Lien de la réunion",
      "link.hint":
        "Collez le lien reçu dans votre invitation (courriel ou agenda), puis choisissez «\u00a0Continuer\u00a0» ou appuyez sur Entrée.",
      "result.valid": "Ce lien de réunion est valide",
      "result.fromLaunch": "Lien reçu à l’ouverture de Palabre.",
      "result.room": "Salle",
      "result.server": "Serveur",
      "result.connection": "Connexion",
      "result.connection.pinned": "chiffrée, serveur authentifié par le lien",
      "result.connection.encrypted": "chiffrée",
      "result.connection.plain": "non chiffrée\u00a0: à utiliser seulement sur le réseau interne de votre administration",
      "result.moderator": "Ce lien vous permet d’animer la réunion (rôle de modération).",
      "error.title": "Ce lien ne peut pas être utilisé",
      "error.action": "Que faire\u00a0:",
      "error.detail": "Détail technique, pour le support informatique",
      "nav.skip": "Aller au contenu",
      "diagnostics.copy": "Copier le diagnostic pour le support",
      "diagnostics.copied": "Diagnostic copié\u00a0: collez-le dans votre message au support informatique.",
      "diagnostics.failed": "Le diagnostic n’a pas pu être copié.",
      "home.title": "Rejoindre ou organiser une réunion",
      "home.join": "Continuer",
      "home.recent.title": "Réunions récentes",
      "home.recent.room": "«\u00a0{room}\u00a0» sur {server}",
      "home.recent.join": "Rejoindre «\u00a0{room}\u00a0»",
      "home.recent.forget": "Oublier «\u00a0{room}\u00a0»",
      "home.host.title": "Organiser une réunion sur cet ordinateur",
      "home.host.managed": "Géré par votre organisation\u00a0: organiser une réunion sur cet ordinateur est désactivé.",
      "home.defaultServer": "Serveur de votre organisation\u00a0: {server}",
      "home.host.explain":
        "Cet ordinateur devient le serveur de la réunion\u00a0: aucune autre installation n’est nécessaire. Les invités de votre réseau la rejoignent avec le lien d’invitation.",
      "home.host.start": "Organiser une réunion ici",
      "home.host.ready": "Réunion «\u00a0{room}\u00a0» prête. Envoyez ce lien aux invités\u00a0:",
      "home.host.guestLink": "Lien d’invitation",
      "home.host.copy": "Copier le lien",
      "home.host.copied": "Lien copié.",
      "home.host.notCopied": "Le lien n’a pas pu être copié\u00a0: sélectionnez-le et copiez-le avec Ctrl+C.",
      "home.host.enter": "Entrer dans la réunion",
      "prejoin.title": "Avant d’entrer dans «\u00a0{room}\u00a0»",
      "prejoin.name": "Votre nom",
      "prejoin.nameHint": "Prénom Nom (Administration), par exemple «\u00a0Marie Dupont (Mairie de Lyon)\u00a0». Les autres participants le verront.",
      "prejoin.nameMissing": "Indiquez votre nom pour entrer.",
      "prejoin.failed": "Vous n’avez pas pu entrer dans la réunion",
      "prejoin.camera": "Caméra allumée en entrant",
      "prejoin.preview": "Votre image, telle que les autres la verront",
      "prejoin.microphone": "Micro allumé en entrant",
      "prejoin.cameraNote": "Aucune caméra trouvée sur cet ordinateur\u00a0: une mire de test animée la remplace.",
      "prejoin.cameraNamed": "Caméra\u00a0: {name}",
      "prejoin.devices": "Son",
      "prejoin.devicesLoading": "Recherche du micro et du haut-parleur…",
      "prejoin.microphoneDevice": "Micro",
      "prejoin.speakerDevice": "Haut-parleur ou casque",
      "prejoin.speakerTest": "Tester le haut-parleur",
      "prejoin.level.label": "Niveau du micro (parlez pour le voir bouger)",
      "prejoin.level": "{dbfs} décibels",
      "prejoin.micProblem": "Problème de micro\u00a0: {detail}",
      "prejoin.noMicrophone": "Aucun micro trouvé\u00a0: vous entrerez sans son (vous entendrez les autres).",
      "prejoin.noSpeaker": "Aucun haut-parleur trouvé\u00a0: vous n’entendrez pas les autres.",
      "prejoin.noAudio": "Le son de cet ordinateur n’est pas disponible\u00a0: vous entrerez sans son.",
      "prejoin.join": "Entrer",
      "prejoin.joining": "Connexion à la salle…",
      "prejoin.back": "Retour",
      "prejoin.voice": "Traitement de la voix",
      "prejoin.voiceHint": "Laissez-le activé, sauf si votre casque ou votre micro le fait déjà. Le choix est gardé pour les réunions suivantes.",
      "prejoin.echoCancellation": "Supprimer l’écho (les autres ne s’entendent pas dans votre haut-parleur)",
      "prejoin.noiseSuppression": "Réduire les bruits de fond",
      "prejoin.autoGain": "Régler le volume du micro automatiquement",
      "call.region": "Réunion «\u00a0{room}\u00a0»",
      "call.elapsed": "Durée\u00a0: {time}",
      "call.quality.unknown": "Connexion\u00a0: en cours de mesure",
      "call.quality.good": "Connexion\u00a0: bonne",
      "call.quality.fair": "Connexion\u00a0: moyenne",
      "call.quality.poor": "Connexion\u00a0: mauvaise — coupez votre caméra pour garder le son",
      "call.you": "{name} (vous)",
      "call.microphoneOff": "micro coupé",
      "call.cameraOff": "caméra coupée",
      "call.hand": "main levée, rang {position}",
      "call.toolbar": "Commandes de la réunion",
      "call.microphone.on": "Couper le micro (M)",
      "call.microphone.off": "Allumer le micro (M)",
      "call.camera.on": "Couper la caméra (V)",
      "call.camera.off": "Allumer la caméra (V)",
      "call.hand.raise": "Lever la main (H)",
      "call.hand.lower": "Baisser la main (H)",
      "call.share.start": "Partager l’écran (S)",
      "call.share.stop": "Arrêter le partage (S)",
      "call.sharing": "Vous partagez votre écran\u00a0: les autres le voient.",
      "call.sharingScreen": "partage son écran",
      "call.videoUndrawable": "vidéo en {codec} que cet ordinateur ne sait pas afficher",
      "call.stage": "Écran partagé par {name}",
      "call.picker.title": "Que voulez-vous partager\u00a0?",
      "call.picker.screen": "Écran entier\u00a0: {title}",
      "call.picker.window": "Fenêtre\u00a0: {title}",
      "call.picker.untitled": "sans titre",
      "call.picker.mainScreen": "écran principal",
      "call.picker.portal": "Choisir l’écran ou la fenêtre dans la fenêtre du bureau",
      "call.picker.empty": "Aucun écran ni fenêtre à partager n’a été trouvé.",
      "call.picker.cancel": "Annuler",
      "call.chat": "Discussion (C)",
      "call.participants": "Participants (P)",
      "call.help": "Raccourcis clavier (?)",
      "call.leave": "Quitter la réunion",
      "call.hands.title": "Mains levées",
      "call.hands.none": "Aucune main levée.",
      "call.lobby.title": "Salle d’attente",
      "call.lobby.admit": "Faire entrer {name}",
      "call.lobby.refuse": "Refuser {name}",
      "call.people.title": "Participants ({count})",
      "call.people.mute": "Couper le micro de {name}",
      "call.people.floor": "Donner la parole à {name}",
      "call.people.lowerHand": "Baisser la main de {name}",
      "call.people.remove": "Retirer {name} de la réunion",
      "call.people.muteAll": "Couper tous les micros",
      "call.chat.title": "Discussion",
      "call.chat.empty": "Aucun message pour l’instant.",
      "call.chat.label": "Votre message",
      "call.chat.send": "Envoyer",
      "call.chat.private": "(privé)",
      "call.help.title": "Raccourcis clavier",
      "call.help.close": "Fermer",
      "call.help.microphone": "Couper ou allumer le micro",
      "call.help.camera": "Couper ou allumer la caméra",
      "call.help.hand": "Lever ou baisser la main",
      "call.help.share": "Partager l’écran ou arrêter le partage",
      "call.help.chat": "Aller à la discussion",
      "call.help.participants": "Aller à la liste des participants",
      "call.help.help": "Afficher cette aide",
      "role.animateur": "animateur",
      "role.moderateur": "modérateur",
      "role.intervenant": "intervenant",
      "role.participant-actif": "participant",
      "role.participant-passif": "auditeur",
      "say.joined": "{name} est entré dans la réunion.",
      "say.left": "{name} a quitté la réunion.",
      "say.hand-raised": "{name} lève la main.",
      "say.chat": "Nouveau message de {name}.",
      "say.muted-by": "{name} a coupé votre micro.",
      "say.unmute-requested": "{name} vous invite à allumer votre micro (touche M).",
      "say.floor-given": "La parole est donnée à {name}.",
      "say.lobby": "{count} personne(s) en salle d’attente.",
      "say.break-reminder": "La réunion dure depuis {time}\u00a0: pensez à une pause.",
      "say.notice": "Remarque\u00a0: {detail}",
      "say.screen-shared": "{name} partage son écran.",
      "say.share-not-allowed": "Votre rôle ne permet pas de partager l’écran\u00a0: demandez-le à l’animateur.",
      "say.link-waiting": "Lien vers la réunion «\u00a0{room}\u00a0» reçu\u00a0: il s’ouvrira quand vous quitterez celle-ci.",
      "say.link-problem": "Un lien de réunion a été reçu, mais il ne peut pas être utilisé.",
      "ended.title": "La réunion s’est interrompue",
      "ended.home": "Revenir à l’accueil",
    },
    problems: {
      "empty": {
        problem: "Aucun lien n’a été saisi.",
        action: "Collez le lien complet reçu dans votre invitation, puis choisissez «\u00a0Vérifier\u00a0».",
      },
      "unknown-scheme": {
        problem: "Ce texte n’est pas un lien de réunion Palabre.",
        action:
          "Un lien de réunion commence par «\u00a0palabre://\u00a0» (ou «\u00a0janus+ws://\u00a0», «\u00a0janus+wss://\u00a0»). Cherchez ce lien dans l’invitation\u202f; " +
          "si vous n’avez reçu qu’une adresse web, demandez le lien de réunion à la personne qui organise la réunion.",
      },
      "malformed": {
        problem: "Le lien est abîmé.",
        action: "Copiez-le à nouveau depuis l’invitation, en entier et sans rien y ajouter.",
      },
      "missing-host": {
        problem: "Le lien n’indique pas de serveur.",
        action: "Copiez-le à nouveau depuis l’invitation, en entier.",
      },
      "missing-room": {
        problem: "Le lien n’indique pas de salle de réunion.",
        action: "Copiez-le à nouveau depuis l’invitation, en entier\u00a0: la fin du lien a sans doute été coupée.",
      },
      "bad-room-name": {
        problem: "Le nom de la salle dans le lien n’est pas valide.",
        action:
          "Copiez le lien à nouveau depuis l’invitation. Si le problème continue, demandez un nouveau lien à la " +
          "personne qui organise la réunion.",
      },
      "bad-janus-room": {
        problem: "Le numéro de la salle dans le lien n’est pas valide.",
        action:
          "Copiez le lien à nouveau depuis l’invitation. Si le problème continue, demandez un nouveau lien à la " +
          "personne qui organise la réunion.",
      },
      "missing-token": {
        problem: "Il manque au lien son code d’accès.",
        action: "Le lien est incomplet\u00a0: demandez à la personne qui organise la réunion de vous le renvoyer en entier.",
      },
      "missing-fingerprint": {
        problem: "Il manque au lien l’empreinte de sécurité du serveur.",
        action: "Le lien est incomplet\u00a0: demandez à la personne qui organise la réunion de vous le renvoyer en entier.",
      },
      "bad-fingerprint": {
        problem: "L’empreinte de sécurité du serveur, dans le lien, est abîmée.",
        action:
          "Copiez le lien à nouveau depuis l’invitation. Si le problème continue, demandez un nouveau lien à la " +
          "personne qui organise la réunion.",
      },
      "fingerprint-without-tls": {
        problem: "Le lien désigne le certificat du serveur mais demande une connexion non sécurisée.",
        action: "Demandez à la personne qui organise la réunion le lien qui commence par «\u00a0janus+wss://\u00a0».",
      },
      // Why a meeting could not be joined or ended: palabre-rtc's `CallError::code()`.
      "unreachable": {
        problem: "Le serveur de la réunion ne répond pas.",
        action: "Vérifiez votre connexion au réseau, puis réessayez. Si cela continue, la réunion n’a peut-être pas encore commencé\u00a0: contactez la personne qui l’organise.",
      },
      "wrong-fingerprint": {
        problem: "Le serveur qui répond n’est pas celui que désigne le lien.",
        action: "N’allez pas plus loin\u00a0: demandez un nouveau lien à la personne qui organise la réunion, et signalez-le à votre support informatique.",
      },
      "refused-bad-token": {
        problem: "Le code d’accès du lien n’est plus valable pour cette salle.",
        action: "Demandez un nouveau lien à la personne qui organise la réunion.",
      },
      "refused-unknown-room": {
        problem: "Cette salle n’existe pas (ou plus) sur le serveur.",
        action: "Vérifiez le lien, ou demandez-en un nouveau à la personne qui organise la réunion.",
      },
      "refused-locked": {
        problem: "La salle est verrouillée.",
        action: "Demandez à la personne qui anime la réunion de la déverrouiller, puis réessayez.",
      },
      "refused-not-admitted": {
        problem: "La personne qui anime la réunion ne vous a pas fait entrer.",
        action: "Contactez-la si vous pensez qu’il s’agit d’une erreur.",
      },
      "refused-removed": {
        problem: "Vous avez été retiré de la réunion par un modérateur.",
        action: "Contactez la personne qui anime la réunion si vous pensez qu’il s’agit d’une erreur.",
      },
      "server-gone": {
        problem: "Le serveur de la réunion s’est arrêté ou la connexion a été perdue.",
        action: "Vérifiez votre réseau, puis rejoignez à nouveau avec le même lien.",
      },
      "timeout": {
        problem: "Le serveur de la réunion n’a pas répondu à temps.",
        action: "Votre réseau est peut-être lent ou filtré\u00a0: réessayez, ou contactez votre support informatique.",
      },
      "media-connection": {
        problem: "Le son et l’image n’ont pas pu être reliés au serveur.",
        action: "Un pare-feu bloque peut-être la connexion\u00a0: contactez votre support informatique.",
      },
      "room-not-found": {
        problem: "Cette salle n’existe pas sur le serveur.",
        action: "Vérifiez le numéro de salle dans le lien, ou demandez un nouveau lien.",
      },
      "wrong-pin": {
        problem: "Le code de la salle est faux ou manque dans le lien.",
        action: "Demandez un nouveau lien à la personne qui organise la réunion.",
      },
      "room-full": {
        problem: "La salle est pleine.",
        action: "Réessayez plus tard, ou demandez à la personne qui organise d’augmenter la limite.",
      },
      "protocol": {
        problem: "Le serveur de la réunion utilise une version plus récente que cette application.",
        action: "Mettez Palabre à jour (ou demandez-le à votre support informatique), puis réessayez.",
      },
      "session-timed-out": {
        problem: "Le serveur a mis fin à la connexion faute de nouvelles de votre ordinateur.",
        action: "Rejoignez à nouveau avec le même lien. Si cela se répète, votre réseau coupe peut-être les connexions longues.",
      },
      "wrong-secret": {
        problem: "Le code d’animation contenu dans le lien est faux.",
        action: "Demandez un nouveau lien d’animation à la personne qui organise la réunion.",
      },
      "refused-protocol-version": {
        problem: "Le serveur de la réunion utilise une autre version que cette application.",
        action: "Mettez Palabre à jour (ou demandez-le à votre support informatique), puis réessayez.",
      },
      "refused-bad-name": {
        problem: "Le serveur n’a pas accepté ce nom.",
        action: "Écrivez votre nom en lettres ordinaires, sous la forme Prénom Nom (Administration), puis réessayez.",
      },
      "refused-bad-request": {
        problem: "Le serveur de la réunion n’a pas compris cette application.",
        action: "Mettez Palabre à jour (ou demandez-le à votre support informatique), puis réessayez.",
      },
      "unsupported-server": {
        problem: "Cette version de Palabre ne sait pas encore rejoindre ce type de serveur.",
        action: "Demandez à la personne qui organise un lien «\u00a0palabre://\u00a0» ou «\u00a0janus+ws://\u00a0».",
      },
      "untrusted-certificate": {
        problem: "Cet ordinateur ne reconnaît pas le certificat de sécurité du serveur.",
        action: "N’allez pas plus loin\u00a0: demandez à votre support informatique si ce serveur est bien celui de votre organisation, ou demandez à la personne qui organise un lien qui contient l’empreinte du serveur (fp=).",
      },
      "janus": {
        problem: "Le serveur de réunion Janus a refusé la demande.",
        action: "Réessayez\u00a0; si cela continue, transmettez le détail technique ci-dessous à votre support informatique.",
      },
      "recent-room-lost": {
        problem: "Le lien de cette réunion n’est plus dans le trousseau de cet ordinateur.",
        action: "Collez à nouveau le lien reçu dans l’invitation.",
      },
      "server-not-allowed": {
        problem: "Votre organisation n’autorise pas les réunions sur ce serveur.",
        action: "Utilisez un lien vers un serveur de votre organisation, ou adressez-vous à votre service informatique (le détail technique nomme la règle).",
      },
      "hosting-disabled": {
        problem: "Votre organisation ne permet pas d’organiser une réunion sur cet ordinateur.",
        action: "Demandez un lien de réunion à votre service informatique.",
      },
      "hosting-failed": {
        problem: "La réunion n’a pas pu démarrer sur cet ordinateur.",
        action: "Réessayez\u00a0; si cela continue, copiez le diagnostic (en bas de la fenêtre) pour votre support informatique.",
      },
      "device-not-found": {
        problem: "Le micro ou le haut-parleur choisi n’est plus branché.",
        action: "Rebranchez-le, ou choisissez-en un autre dans la liste, puis entrez à nouveau.",
      },
      "device-none": {
        problem: "Cet ordinateur n’a pas de micro ou de haut-parleur en service.",
        action: "Branchez un casque, ou entrez micro coupé.",
      },
      "device-unusable": {
        problem: "Le micro ou le haut-parleur ne peut pas être ouvert (une autre application l’utilise peut-être).",
        action: "Fermez l’autre application ou choisissez un autre appareil, puis réessayez.",
      },
      "device-listing": {
        problem: "Le son de cet ordinateur ne répond pas.",
        action: "Redémarrez l’ordinateur si cela continue, ou contactez votre support informatique.",
      },
      "media-file": {
        problem: "Le fichier choisi ne peut pas être lu.",
        action: "Choisissez un autre fichier (vidéo .y4m, son .wav).",
      },
      "recording": {
        problem: "L’enregistrement ne peut pas être écrit dans ce dossier.",
        action: "Choisissez un dossier où vous pouvez écrire, avec assez de place.",
      },
      "screen-capture": {
        problem: "Votre écran ne peut pas être partagé.",
        action: "Vérifiez que la session graphique est ouverte, ou choisissez un autre écran.",
      },
      // Not a link error: the check itself could not run.
      "unexpected": {
        problem: "La vérification n’a pas pu avoir lieu.",
        action: "Fermez puis rouvrez Palabre. Si le problème continue, contactez votre support informatique.",
      },
    },
  },

  en: {
    name: "English",
    ui: {
      "app.tagline": "Video meetings for public services",
      "app.version": "version {version}",
      "link.label": "Meeting link",
      "link.hint": "Paste the link from your invitation (email or calendar), then choose “Continue” or press Enter.",
      "result.valid": "This meeting link is valid",
      "result.fromLaunch": "Link received when Palabre opened.",
      "result.room": "Room",
      "result.server": "Server",
      "result.connection": "Connection",
      "result.connection.pinned": "encrypted, server authenticated by the link",
      "result.connection.encrypted": "encrypted",
      "result.connection.plain": "not encrypted: use it only on your administration's internal network",
      "result.moderator": "This link lets you lead the meeting (moderator role).",
      "error.title": "This link cannot be used",
      "error.action": "What to do:",
      "error.detail": "Technical detail, for IT support",
      "nav.skip": "Skip to content",
      "diagnostics.copy": "Copy diagnostics for support",
      "diagnostics.copied": "Diagnostics copied: paste them into your message to IT support.",
      "diagnostics.failed": "The diagnostics could not be copied.",
      "home.title": "Join or host a meeting",
      "home.join": "Continue",
      "home.recent.title": "Recent meetings",
      "home.recent.room": "“{room}” on {server}",
      "home.recent.join": "Join “{room}”",
      "home.recent.forget": "Forget “{room}”",
      "home.host.title": "Host a meeting on this computer",
      "home.host.managed": "Managed by your organisation: hosting a meeting on this computer is turned off.",
      "home.defaultServer": "Your organisation's server: {server}",
      "home.host.explain":
        "This computer becomes the meeting's server: nothing else to install. Guests on your network join with the invitation link.",
      "home.host.start": "Host a meeting here",
      "home.host.ready": "Meeting “{room}” is ready. Send this link to your guests:",
      "home.host.guestLink": "Invitation link",
      "home.host.copy": "Copy the link",
      "home.host.copied": "Link copied.",
      "home.host.notCopied": "The link could not be copied: select it and copy it with Ctrl+C.",
      "home.host.enter": "Enter the meeting",
      "prejoin.title": "Before entering “{room}”",
      "prejoin.name": "Your name",
      "prejoin.nameHint": "First name Last name (Organisation), for example “Marie Dupont (Mairie de Lyon)”. Others will see it.",
      "prejoin.nameMissing": "Enter your name to join.",
      "prejoin.failed": "You could not enter the meeting",
      "prejoin.camera": "Camera on when I enter",
      "prejoin.preview": "Your picture, as the others will see it",
      "prejoin.microphone": "Microphone on when I enter",
      "prejoin.cameraNote": "No camera found on this computer: a moving test pattern stands in for it.",
      "prejoin.cameraNamed": "Camera: {name}",
      "prejoin.devices": "Sound",
      "prejoin.devicesLoading": "Looking for the microphone and speaker…",
      "prejoin.microphoneDevice": "Microphone",
      "prejoin.speakerDevice": "Speaker or headset",
      "prejoin.speakerTest": "Test the speaker",
      "prejoin.level.label": "Microphone level (speak to see it move)",
      "prejoin.level": "{dbfs} decibels",
      "prejoin.micProblem": "Microphone problem: {detail}",
      "prejoin.noMicrophone": "No microphone found: you will enter without sound (you will hear the others).",
      "prejoin.noSpeaker": "No speaker found: you will not hear the others.",
      "prejoin.noAudio": "This computer's sound is not available: you will enter without sound.",
      "prejoin.join": "Enter",
      "prejoin.joining": "Connecting to the room…",
      "prejoin.back": "Back",
      "prejoin.voice": "Voice processing",
      "prejoin.voiceHint": "Leave it on unless your headset or microphone already does it. The choice is kept for the next meetings.",
      "prejoin.echoCancellation": "Remove echo (the others do not hear themselves through your speaker)",
      "prejoin.noiseSuppression": "Reduce background noise",
      "prejoin.autoGain": "Adjust the microphone volume automatically",
      "call.region": "Meeting “{room}”",
      "call.elapsed": "Time: {time}",
      "call.quality.unknown": "Connection: being measured",
      "call.quality.good": "Connection: good",
      "call.quality.fair": "Connection: fair",
      "call.quality.poor": "Connection: poor — turn your camera off to keep the sound",
      "call.you": "{name} (you)",
      "call.microphoneOff": "microphone off",
      "call.cameraOff": "camera off",
      "call.hand": "hand raised, number {position}",
      "call.toolbar": "Meeting controls",
      "call.microphone.on": "Turn microphone off (M)",
      "call.microphone.off": "Turn microphone on (M)",
      "call.camera.on": "Turn camera off (V)",
      "call.camera.off": "Turn camera on (V)",
      "call.hand.raise": "Raise hand (H)",
      "call.hand.lower": "Lower hand (H)",
      "call.share.start": "Share screen (S)",
      "call.share.stop": "Stop sharing (S)",
      "call.sharing": "You are sharing your screen: the others see it.",
      "call.sharingScreen": "sharing their screen",
      "call.videoUndrawable": "video in {codec}, which this computer cannot show",
      "call.stage": "Screen shared by {name}",
      "call.picker.title": "What do you want to share?",
      "call.picker.screen": "Entire screen: {title}",
      "call.picker.window": "Window: {title}",
      "call.picker.untitled": "untitled",
      "call.picker.mainScreen": "main screen",
      "call.picker.portal": "Choose the screen or window in the desktop's own window",
      "call.picker.empty": "No screen or window to share was found.",
      "call.picker.cancel": "Cancel",
      "call.chat": "Chat (C)",
      "call.participants": "Participants (P)",
      "call.help": "Keyboard shortcuts (?)",
      "call.leave": "Leave the meeting",
      "call.hands.title": "Raised hands",
      "call.hands.none": "No hand raised.",
      "call.lobby.title": "Waiting room",
      "call.lobby.admit": "Let {name} in",
      "call.lobby.refuse": "Turn {name} away",
      "call.people.title": "Participants ({count})",
      "call.people.mute": "Mute {name}",
      "call.people.floor": "Give the floor to {name}",
      "call.people.lowerHand": "Lower {name}'s hand",
      "call.people.remove": "Remove {name} from the meeting",
      "call.people.muteAll": "Mute everyone",
      "call.chat.title": "Chat",
      "call.chat.empty": "No messages yet.",
      "call.chat.label": "Your message",
      "call.chat.send": "Send",
      "call.chat.private": "(private)",
      "call.help.title": "Keyboard shortcuts",
      "call.help.close": "Close",
      "call.help.microphone": "Turn the microphone off or on",
      "call.help.camera": "Turn the camera off or on",
      "call.help.hand": "Raise or lower your hand",
      "call.help.share": "Share the screen or stop sharing",
      "call.help.chat": "Go to the chat",
      "call.help.participants": "Go to the participants list",
      "call.help.help": "Show this help",
      "role.animateur": "host",
      "role.moderateur": "moderator",
      "role.intervenant": "speaker",
      "role.participant-actif": "participant",
      "role.participant-passif": "listener",
      "say.joined": "{name} joined the meeting.",
      "say.left": "{name} left the meeting.",
      "say.hand-raised": "{name} raised a hand.",
      "say.chat": "New message from {name}.",
      "say.muted-by": "{name} muted your microphone.",
      "say.unmute-requested": "{name} asks you to turn your microphone on (key M).",
      "say.floor-given": "{name} has the floor.",
      "say.lobby": "{count} person(s) in the waiting room.",
      "say.break-reminder": "The meeting has lasted {time}: consider a break.",
      "say.notice": "Note: {detail}",
      "say.screen-shared": "{name} is sharing their screen.",
      "say.share-not-allowed": "Your role does not allow sharing the screen: ask the host.",
      "say.link-waiting": "Link to the meeting “{room}” received: it will open when you leave this one.",
      "say.link-problem": "A meeting link was received, but it cannot be used.",
      "ended.title": "The meeting was interrupted",
      "ended.home": "Back to home",
    },
    problems: {
      "empty": {
        problem: "No link was entered.",
        action: "Paste the whole link from your invitation, then choose “Check”.",
      },
      "unknown-scheme": {
        problem: "This text is not a Palabre meeting link.",
        action:
          "A meeting link starts with “palabre://” (or “janus+ws://”, “janus+wss://”). Look for it in the invitation; if you only " +
          "received a web address, ask the meeting organiser for the meeting link.",
      },
      "malformed": {
        problem: "The link is damaged.",
        action: "Copy it again from the invitation, in full, without adding anything.",
      },
      "missing-host": {
        problem: "The link does not name a server.",
        action: "Copy it again from the invitation, in full.",
      },
      "missing-room": {
        problem: "The link does not name a meeting room.",
        action: "Copy it again from the invitation, in full: the end of the link was probably cut off.",
      },
      "bad-room-name": {
        problem: "The room name in the link is not valid.",
        action: "Copy the link again from the invitation. If that does not help, ask the meeting organiser for a new link.",
      },
      "bad-janus-room": {
        problem: "The room number in the link is not valid.",
        action: "Copy the link again from the invitation. If that does not help, ask the meeting organiser for a new link.",
      },
      "missing-token": {
        problem: "The link lacks its access code.",
        action: "The link is incomplete: ask the meeting organiser to send you the whole link again.",
      },
      "missing-fingerprint": {
        problem: "The link lacks the server's security fingerprint.",
        action: "The link is incomplete: ask the meeting organiser to send you the whole link again.",
      },
      "bad-fingerprint": {
        problem: "The server's security fingerprint in the link is damaged.",
        action: "Copy the link again from the invitation. If that does not help, ask the meeting organiser for a new link.",
      },
      "fingerprint-without-tls": {
        problem: "The link names the server's certificate but asks for an unsecured connection.",
        action: "Ask the meeting organiser for the link that starts with “janus+wss://”.",
      },
      // Why a meeting could not be joined or ended: palabre-rtc's `CallError::code()`.
      "unreachable": {
        problem: "The meeting's server does not answer.",
        action: "Check your network connection and try again. If it goes on, the meeting may not have started yet: contact its organiser.",
      },
      "wrong-fingerprint": {
        problem: "The server that answers is not the one the link names.",
        action: "Do not go on: ask the organiser for a new link, and tell your IT support.",
      },
      "refused-bad-token": {
        problem: "The link's access code is no longer valid for this room.",
        action: "Ask the organiser for a new link.",
      },
      "refused-unknown-room": {
        problem: "This room does not exist (any more) on the server.",
        action: "Check the link, or ask the organiser for a new one.",
      },
      "refused-locked": {
        problem: "The room is locked.",
        action: "Ask the meeting's host to unlock it, then try again.",
      },
      "refused-not-admitted": {
        problem: "The meeting's host did not let you in.",
        action: "Contact them if you think this is a mistake.",
      },
      "refused-removed": {
        problem: "A moderator removed you from the meeting.",
        action: "Contact the meeting's host if you think this is a mistake.",
      },
      "server-gone": {
        problem: "The meeting's server stopped or the connection was lost.",
        action: "Check your network, then join again with the same link.",
      },
      "timeout": {
        problem: "The meeting's server did not answer in time.",
        action: "Your network may be slow or filtered: try again, or contact your IT support.",
      },
      "media-connection": {
        problem: "Sound and picture could not be connected to the server.",
        action: "A firewall may block the connection: contact your IT support.",
      },
      "room-not-found": {
        problem: "This room does not exist on the server.",
        action: "Check the room number in the link, or ask for a new link.",
      },
      "wrong-pin": {
        problem: "The room's PIN is wrong or missing from the link.",
        action: "Ask the organiser for a new link.",
      },
      "room-full": {
        problem: "The room is full.",
        action: "Try again later, or ask the organiser to raise the limit.",
      },
      "protocol": {
        problem: "The meeting's server runs a newer version than this app.",
        action: "Update Palabre (or ask your IT support to), then try again.",
      },
      "session-timed-out": {
        problem: "The server ended the connection because it had not heard from this computer.",
        action: "Join again with the same link. If it happens again, your network may cut long connections.",
      },
      "wrong-secret": {
        problem: "The host code in the link is wrong.",
        action: "Ask the organiser for a new host link.",
      },
      "refused-protocol-version": {
        problem: "The meeting's server runs another version than this app.",
        action: "Update Palabre (or ask your IT support to), then try again.",
      },
      "refused-bad-name": {
        problem: "The server did not accept this name.",
        action: "Write your name in plain letters, as First name Last name (Organisation), and try again.",
      },
      "refused-bad-request": {
        problem: "The meeting's server did not understand this app.",
        action: "Update Palabre (or ask your IT support to), then try again.",
      },
      "unsupported-server": {
        problem: "This version of Palabre cannot join this kind of server yet.",
        action: "Ask the organiser for a “palabre://” or “janus+ws://” link.",
      },
      "untrusted-certificate": {
        problem: "This computer does not recognise the server's security certificate.",
        action: "Do not go on: ask your IT support whether this server is your organisation's, or ask the organiser for a link that carries the server's fingerprint (fp=).",
      },
      "janus": {
        problem: "The Janus meeting server refused the request.",
        action: "Try again; if it goes on, give the technical detail below to your IT support.",
      },
      "recent-room-lost": {
        problem: "This meeting's link is no longer in this computer's keyring.",
        action: "Paste the link from the invitation again.",
      },
      "server-not-allowed": {
        problem: "Your organisation does not allow meetings on this server.",
        action: "Use a link to one of your organisation's servers, or ask your IT department (the technical detail names the rule).",
      },
      "hosting-disabled": {
        problem: "Your organisation does not allow hosting a meeting on this computer.",
        action: "Ask your IT department for a meeting link.",
      },
      "hosting-failed": {
        problem: "The meeting could not start on this computer.",
        action: "Try again; if it goes on, copy the diagnostics (at the bottom of the window) for your IT support.",
      },
      "device-not-found": {
        problem: "The chosen microphone or speaker is no longer plugged in.",
        action: "Plug it back in, or choose another one in the list, then enter again.",
      },
      "device-none": {
        problem: "This computer has no working microphone or speaker.",
        action: "Plug in a headset, or enter with the microphone off.",
      },
      "device-unusable": {
        problem: "The microphone or speaker cannot be opened (another application may be using it).",
        action: "Close the other application or choose another device, then try again.",
      },
      "device-listing": {
        problem: "This computer's sound system does not answer.",
        action: "Restart the computer if it goes on, or contact your IT support.",
      },
      "media-file": {
        problem: "The chosen file cannot be read.",
        action: "Choose another file (.y4m video, .wav sound).",
      },
      "recording": {
        problem: "The recording cannot be written to this folder.",
        action: "Choose a folder you can write to, with enough space.",
      },
      "screen-capture": {
        problem: "Your screen cannot be shared.",
        action: "Check that the desktop session is open, or choose another screen.",
      },
      // Not a link error: the check itself could not run.
      "unexpected": {
        problem: "The check could not be done.",
        action: "Close Palabre and open it again. If the problem continues, contact your IT support.",
      },
    },
  },
};

export type Language = keyof typeof MESSAGES;
export type Words = { problem: string; action: string };

export const LANGUAGES = Object.keys(MESSAGES) as Language[];

export function isLanguage(value: unknown): value is Language {
  return typeof value === "string" && (LANGUAGES as string[]).includes(value);
}

/** The language to start in: the first of the user's preferred languages that the window speaks, else French. */
export function pickLanguage(preferred: readonly string[] | undefined): Language {
  for (const tag of preferred ?? []) {
    const base = String(tag).toLowerCase().split("-")[0];
    if (isLanguage(base)) {
      return base;
    }
  }
  return DEFAULT_LANGUAGE;
}

/** The language the switch button offers. */
export function otherLanguage(language: Language): Language {
  return LANGUAGES.find((other) => other !== language) ?? DEFAULT_LANGUAGE;
}

/** The name of a language in that language ("Français", "English"). */
export function languageName(language: Language): string {
  return MESSAGES[language].name;
}

/** One of the window's strings, with `{name}` placeholders filled from `values`. */
export function text(language: Language, key: string, values: Record<string, string | number> = {}): string {
  const ui: Record<string, string> = MESSAGES[language].ui;
  const fallback: Record<string, string> = MESSAGES[DEFAULT_LANGUAGE].ui;
  const template = ui[key] ?? fallback[key] ?? key;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));
}

/**
 * What is wrong and what to do, for a problem code from the shell: a link error (`empty`, … or, from a call,
 * `link-empty`, …) or a call error. Unknown codes get the words for "unexpected".
 */
export function problemWords(language: Language, code: string | undefined): Words {
  const table: Record<string, Words> = MESSAGES[language].problems;
  const key = code?.startsWith("link-") ? code.slice("link-".length) : code;
  return key !== undefined && Object.hasOwn(table, key) ? table[key] : table["unexpected"];
}
