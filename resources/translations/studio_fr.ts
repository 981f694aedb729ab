<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="fr_FR">
    <context>
        <name>AppShell</name>
        <message>
            <location filename="../../studio/ui/shell.py" line="91" />
            <source>Flash Africa Studio</source>
            <translation>Flash Africa Studio</translation>
        </message>
        <message>
            <location filename="../../studio/ui/shell.py" line="93" />
            <source>Go Live</source>
            <translation>Passer en direct</translation>
        </message>
        <message>
            <location filename="../../studio/ui/shell.py" line="94" />
            <source>Dashboard</source>
            <translation>Tableau de bord</translation>
        </message>
        <message>
            <location filename="../../studio/ui/shell.py" line="95" />
            <source>Earnings</source>
            <translation>Revenus</translation>
        </message>
        <message>
            <location filename="../../studio/ui/shell.py" line="96" />
            <source>Chat</source>
            <translation>Discussion</translation>
        </message>
        <message>
            <location filename="../../studio/ui/shell.py" line="97" />
            <source>Settings</source>
            <translation>Paramètres</translation>
        </message>
        <message>
            <location filename="../../studio/ui/shell.py" line="104" />
            <source>Creator</source>
            <translation>Créateur</translation>
        </message>
        <message>
            <location filename="../../studio/ui/shell.py" line="104" />
            <source>Fan</source>
            <translation>Fan</translation>
        </message>
        <message>
            <location filename="../../studio/ui/shell.py" line="106" />
            <source>Sign out</source>
            <translation>Se déconnecter</translation>
        </message>
    </context>
    <context>
        <name>Chat</name>
        <message>
            <location filename="../../studio/ui/chat/words.py" line="25" />
            <source>Write something first.</source>
            <translation>Écrivez d'abord quelque chose.</translation>
        </message>
        <message>
            <location filename="../../studio/ui/chat/words.py" line="27" />
            <source>This message is too long: keep it under 500 characters.</source>
            <translation>Ce message est trop long : pas plus de 500 caractères.</translation>
        </message>
        <message numerus="yes">
            <location filename="../../studio/ui/chat/words.py" line="29" />
            <source>You are sending too fast. Wait %n s.</source>
            <translation>
                <numerusform>Vous écrivez trop vite. Attendez %n s.</numerusform>
                <numerusform>Vous écrivez trop vite. Attendez %n s.</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <location filename="../../studio/ui/chat/words.py" line="31" />
            <source>Slow mode is on: wait %n s before your next message.</source>
            <translation>
                <numerusform>Le mode lent est activé : attendez %n s avant votre prochain message.</numerusform>
                <numerusform>Le mode lent est activé : attendez %n s avant votre prochain message.</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <location filename="../../studio/ui/chat/words.py" line="35" />
            <source>You are timed out: %n s left.</source>
            <translation>
                <numerusform>Vous êtes exclu temporairement : encore %n s.</numerusform>
                <numerusform>Vous êtes exclu temporairement : encore %n s.</numerusform>
            </translation>
        </message>
        <message>
            <location filename="../../studio/ui/chat/words.py" line="37" />
            <source>You were banned from this chat.</source>
            <translation>Vous avez été banni de ce chat.</translation>
        </message>
        <message>
            <location filename="../../studio/ui/chat/words.py" line="39" />
            <source>Only signed-in members can write here right now.</source>
            <translation>Pour l'instant, seuls les membres connectés peuvent écrire ici.</translation>
        </message>
        <message>
            <location filename="../../studio/ui/chat/words.py" line="41" />
            <source>This message contains a word you blocked.</source>
            <translation>Ce message contient un mot que vous avez bloqué.</translation>
        </message>
        <message>
            <location filename="../../studio/ui/chat/words.py" line="43" />
            <source>This chat is not open. Pick a stream first.</source>
            <translation>Ce chat n'est pas ouvert. Choisissez d'abord un direct.</translation>
        </message>
        <message>
            <location filename="../../studio/ui/chat/words.py" line="45" />
            <source>Only the creator and their moderators can do this.</source>
            <translation>Seuls le créateur et ses modérateurs peuvent faire cela.</translation>
        </message>
        <message>
            <location filename="../../studio/ui/chat/words.py" line="47" />
            <source>This message is no longer there.</source>
            <translation>Ce message n'existe plus.</translation>
        </message>
        <message>
            <location filename="../../studio/ui/chat/words.py" line="49" />
            <source>The chat is not connected, so nothing was sent. Try again in a moment.</source>
            <translation>Le chat n'est pas connecté : rien n'a été envoyé. Réessayez dans un instant.</translation>
        </message>
        <message>
            <location filename="../../studio/ui/chat/words.py" line="57" />
            <source>Connected</source>
            <translation>Connecté</translation>
        </message>
        <message numerus="yes">
            <location filename="../../studio/ui/chat/words.py" line="59" />
            <source>Reconnecting… next try in %n s. Messages sent meanwhile will appear.</source>
            <translation>
                <numerusform>Reconnexion… nouvel essai dans %n s. Les messages envoyés entre-temps s'afficheront.</numerusform>
                <numerusform>Reconnexion… nouvel essai dans %n s. Les messages envoyés entre-temps s'afficheront.</numerusform>
            </translation>
        </message>
        <message>
            <location filename="../../studio/ui/chat/words.py" line="66" />
            <source>Reconnecting… Messages sent meanwhile will appear.</source>
            <translation>Reconnexion… Les messages envoyés entre-temps s'afficheront.</translation>
        </message>
        <message>
            <location filename="../../studio/ui/chat/words.py" line="68" />
            <source>Connecting to the chat…</source>
            <translation>Connexion au chat…</translation>
        </message>
        <message>
            <location filename="../../studio/ui/chat/words.py" line="69" />
            <source>The chat is offline.</source>
            <translation>Le chat est hors ligne.</translation>
        </message>
        <message>
            <location filename="../../studio/ui/chat/words.py" line="76" />
            <source>%1 (you)</source>
            <translation>%1 (vous)</translation>
        </message>
        <message>
            <location filename="../../studio/ui/chat/words.py" line="78" />
            <source>%1 (moderator)</source>
            <translation>%1 (modérateur)</translation>
        </message>
        <message>
            <location filename="../../studio/ui/chat/words.py" line="81" />
            <source>%1 tipped %2</source>
            <translation>%1 a donné un pourboire de %2</translation>
        </message>
        <message>
            <location filename="../../studio/ui/chat/words.py" line="84" />
            <source>%1 subscribed</source>
            <translation>%1 s’est abonné(e)</translation>
        </message>
        <message>
            <location filename="../../studio/ui/chat/words.py" line="83" />
            <source>%1: %2</source>
            <translation>%1 : %2</translation>
        </message>
    </context>
    <context>
        <name>ChatPanel</name>
        <message>
            <location filename="../../studio/ui/chat/panel.py" line="0" />
            <source>Let back in (lift a ban or time-out)</source>
            <translation>Laisser revenir (lever un bannissement ou une exclusion)</translation>
        </message>
        <message>
            <location filename="../../studio/ui/chat/panel.py" line="0" />
            <source>Make moderator</source>
            <translation>Nommer modérateur</translation>
        </message>
        <message>
            <location filename="../../studio/ui/chat/panel.py" line="0" />
            <source>Remove as moderator</source>
            <translation>Retirer des modérateurs</translation>
        </message>
        <message>
            <location filename="../../studio/ui/chat/panel.py" line="169" />
            <source>Write to your fans…</source>
            <translation>Écrivez à vos fans…</translation>
        </message>
        <message>
            <location filename="../../studio/ui/chat/panel.py" line="170" />
            <source>Message</source>
            <translation>Message</translation>
        </message>
        <message>
            <location filename="../../studio/ui/chat/panel.py" line="171" />
            <source>Send</source>
            <translation>Envoyer</translation>
        </message>
        <message>
            <location filename="../../studio/ui/chat/panel.py" line="172" />
            <source>Members only</source>
            <translation>Membres uniquement</translation>
        </message>
        <message>
            <location filename="../../studio/ui/chat/panel.py" line="173" />
            <source>Only signed-in fans can write; guests can read.</source>
            <translation>Seuls les fans connectés peuvent écrire ; les invités peuvent lire.</translation>
        </message>
        <message>
            <location filename="../../studio/ui/chat/panel.py" line="174" />
            <source>Slow mode</source>
            <translation>Mode lent</translation>
        </message>
        <message>
            <location filename="../../studio/ui/chat/panel.py" line="176" />
            <source>Blocked words, separated by commas (hidden from fans)</source>
            <translation>Mots bloqués, séparés par des virgules (invisibles pour les fans)</translation>
        </message>
        <message>
            <location filename="../../studio/ui/chat/panel.py" line="178" />
            <source>Blocked words</source>
            <translation>Mots bloqués</translation>
        </message>
        <message>
            <location filename="../../studio/ui/chat/panel.py" line="179" />
            <source>Save words</source>
            <translation>Enregistrer les mots</translation>
        </message>
        <message>
            <location filename="../../studio/ui/chat/panel.py" line="183" />
            <source>Off</source>
            <translation>Désactivé</translation>
        </message>
        <message numerus="yes">
            <location filename="../../studio/ui/chat/panel.py" line="193" />
            <source>%n s</source>
            <translation>
                <numerusform>%n s</numerusform>
                <numerusform>%n s</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <location filename="../../studio/ui/chat/panel.py" line="194" />
            <source>%n min</source>
            <translation>
                <numerusform>%n min</numerusform>
                <numerusform>%n min</numerusform>
            </translation>
        </message>
        <message>
            <location filename="../../studio/ui/chat/panel.py" line="198" />
            <source>No stream yet: create one in Go Live.</source>
            <translation>Aucun direct pour l'instant : créez-en un dans Passer en direct.</translation>
        </message>
        <message>
            <location filename="../../studio/ui/chat/panel.py" line="249" />
            <source>Pinned: %1</source>
            <translation>Épinglé : %1</translation>
        </message>
        <message>
            <location filename="../../studio/ui/chat/panel.py" line="250" />
            <source>Unpin</source>
            <translation>Désépingler</translation>
        </message>
        <message>
            <location filename="../../studio/ui/chat/panel.py" line="287" />
            <source>Delete</source>
            <translation>Supprimer</translation>
        </message>
        <message>
            <location filename="../../studio/ui/chat/panel.py" line="290" />
            <source>Pin</source>
            <translation>Épingler</translation>
        </message>
        <message>
            <location filename="../../studio/ui/chat/panel.py" line="295" />
            <source>Time out for 5 minutes</source>
            <translation>Exclure 5 minutes</translation>
        </message>
        <message>
            <location filename="../../studio/ui/chat/panel.py" line="298" />
            <source>Ban from this chat</source>
            <translation>Bannir de ce chat</translation>
        </message>
    </context>
    <context>
        <name>ChatScreen</name>
        <message>
            <location filename="../../studio/ui/chat/__init__.py" line="31" />
            <source>Chat</source>
            <translation>Chat</translation>
        </message>
    </context>
    <context>
        <name>Countries</name>
        <message>
            <location filename="../../studio/ui/countries.py" line="12" />
            <source>Benin</source>
            <translation>Bénin</translation>
        </message>
        <message>
            <location filename="../../studio/ui/countries.py" line="13" />
            <source>Burkina Faso</source>
            <translation>Burkina Faso</translation>
        </message>
        <message>
            <location filename="../../studio/ui/countries.py" line="14" />
            <source>Burundi</source>
            <translation>Burundi</translation>
        </message>
        <message>
            <location filename="../../studio/ui/countries.py" line="15" />
            <source>Cameroon</source>
            <translation>Cameroun</translation>
        </message>
        <message>
            <location filename="../../studio/ui/countries.py" line="16" />
            <source>Central African Republic</source>
            <translation>République centrafricaine</translation>
        </message>
        <message>
            <location filename="../../studio/ui/countries.py" line="17" />
            <source>Chad</source>
            <translation>Tchad</translation>
        </message>
        <message>
            <location filename="../../studio/ui/countries.py" line="18" />
            <source>Congo</source>
            <translation>Congo</translation>
        </message>
        <message>
            <location filename="../../studio/ui/countries.py" line="19" />
            <source>Congo (DRC)</source>
            <translation>Congo (RDC)</translation>
        </message>
        <message>
            <location filename="../../studio/ui/countries.py" line="20" />
            <source>Côte d’Ivoire</source>
            <translation>Côte d’Ivoire</translation>
        </message>
        <message>
            <location filename="../../studio/ui/countries.py" line="21" />
            <source>Egypt</source>
            <translation>Égypte</translation>
        </message>
        <message>
            <location filename="../../studio/ui/countries.py" line="22" />
            <source>Ethiopia</source>
            <translation>Éthiopie</translation>
        </message>
        <message>
            <location filename="../../studio/ui/countries.py" line="23" />
            <source>Gabon</source>
            <translation>Gabon</translation>
        </message>
        <message>
            <location filename="../../studio/ui/countries.py" line="24" />
            <source>Gambia</source>
            <translation>Gambie</translation>
        </message>
        <message>
            <location filename="../../studio/ui/countries.py" line="25" />
            <source>Ghana</source>
            <translation>Ghana</translation>
        </message>
        <message>
            <location filename="../../studio/ui/countries.py" line="26" />
            <source>Guinea</source>
            <translation>Guinée</translation>
        </message>
        <message>
            <location filename="../../studio/ui/countries.py" line="27" />
            <source>Kenya</source>
            <translation>Kenya</translation>
        </message>
        <message>
            <location filename="../../studio/ui/countries.py" line="28" />
            <source>Liberia</source>
            <translation>Liberia</translation>
        </message>
        <message>
            <location filename="../../studio/ui/countries.py" line="29" />
            <source>Madagascar</source>
            <translation>Madagascar</translation>
        </message>
        <message>
            <location filename="../../studio/ui/countries.py" line="30" />
            <source>Malawi</source>
            <translation>Malawi</translation>
        </message>
        <message>
            <location filename="../../studio/ui/countries.py" line="31" />
            <source>Mali</source>
            <translation>Mali</translation>
        </message>
        <message>
            <location filename="../../studio/ui/countries.py" line="32" />
            <source>Morocco</source>
            <translation>Maroc</translation>
        </message>
        <message>
            <location filename="../../studio/ui/countries.py" line="33" />
            <source>Mozambique</source>
            <translation>Mozambique</translation>
        </message>
        <message>
            <location filename="../../studio/ui/countries.py" line="34" />
            <source>Niger</source>
            <translation>Niger</translation>
        </message>
        <message>
            <location filename="../../studio/ui/countries.py" line="35" />
            <source>Nigeria</source>
            <translation>Nigeria</translation>
        </message>
        <message>
            <location filename="../../studio/ui/countries.py" line="36" />
            <source>Rwanda</source>
            <translation>Rwanda</translation>
        </message>
        <message>
            <location filename="../../studio/ui/countries.py" line="37" />
            <source>Senegal</source>
            <translation>Sénégal</translation>
        </message>
        <message>
            <location filename="../../studio/ui/countries.py" line="38" />
            <source>Sierra Leone</source>
            <translation>Sierra Leone</translation>
        </message>
        <message>
            <location filename="../../studio/ui/countries.py" line="39" />
            <source>South Africa</source>
            <translation>Afrique du Sud</translation>
        </message>
        <message>
            <location filename="../../studio/ui/countries.py" line="40" />
            <source>Tanzania</source>
            <translation>Tanzanie</translation>
        </message>
        <message>
            <location filename="../../studio/ui/countries.py" line="41" />
            <source>Togo</source>
            <translation>Togo</translation>
        </message>
        <message>
            <location filename="../../studio/ui/countries.py" line="42" />
            <source>Tunisia</source>
            <translation>Tunisie</translation>
        </message>
        <message>
            <location filename="../../studio/ui/countries.py" line="43" />
            <source>Uganda</source>
            <translation>Ouganda</translation>
        </message>
        <message>
            <location filename="../../studio/ui/countries.py" line="44" />
            <source>Zambia</source>
            <translation>Zambie</translation>
        </message>
        <message>
            <location filename="../../studio/ui/countries.py" line="45" />
            <source>Belgium</source>
            <translation>Belgique</translation>
        </message>
        <message>
            <location filename="../../studio/ui/countries.py" line="46" />
            <source>Canada</source>
            <translation>Canada</translation>
        </message>
        <message>
            <location filename="../../studio/ui/countries.py" line="47" />
            <source>France</source>
            <translation>France</translation>
        </message>
        <message>
            <location filename="../../studio/ui/countries.py" line="48" />
            <source>United Kingdom</source>
            <translation>Royaume-Uni</translation>
        </message>
        <message>
            <location filename="../../studio/ui/countries.py" line="49" />
            <source>United States</source>
            <translation>États-Unis</translation>
        </message>
    </context>
    <context>
        <name>DashboardScreen</name>
        <message>
            <location filename="../../studio/ui/dashboard/screen.py" line="155" />
            <source>Dashboard</source>
            <translation>Tableau de bord</translation>
        </message>
        <message>
            <location filename="../../studio/ui/dashboard/screen.py" line="156" />
            <source>Refresh</source>
            <translation>Actualiser</translation>
        </message>
        <message>
            <location filename="../../studio/ui/dashboard/screen.py" line="157" />
            <source>Stream</source>
            <translation>Direct</translation>
        </message>
        <message>
            <location filename="../../studio/ui/dashboard/screen.py" line="158" />
            <source>Watching now</source>
            <translation>Spectateurs en ce moment</translation>
        </message>
        <message>
            <location filename="../../studio/ui/dashboard/screen.py" line="159" />
            <source>Tips and payments on this stream</source>
            <translation>Pourboires et paiements de ce direct</translation>
        </message>
        <message>
            <location filename="../../studio/ui/dashboard/screen.py" line="160" />
            <source>Latest tips</source>
            <translation>Derniers pourboires</translation>
        </message>
        <message>
            <location filename="../../studio/ui/dashboard/screen.py" line="161" />
            <source>Play a sound with each tip alert</source>
            <translation>Jouer un son à chaque alerte de pourboire</translation>
        </message>
        <message>
            <location filename="../../studio/ui/dashboard/screen.py" line="163" />
            <source>No stream yet. Create one in Go Live: its viewers and tips appear here.</source>
            <translation>Aucun direct pour l'instant. Créez-en un dans Passer en direct : ses spectateurs et pourboires s'afficheront ici.</translation>
        </message>
        <message>
            <location filename="../../studio/ui/dashboard/screen.py" line="176" />
            <source>Not live yet</source>
            <translation>Pas encore en direct</translation>
        </message>
        <message>
            <location filename="../../studio/ui/dashboard/screen.py" line="177" />
            <source>Live</source>
            <translation>En direct</translation>
        </message>
        <message>
            <location filename="../../studio/ui/dashboard/screen.py" line="178" />
            <source>Reconnecting the stream</source>
            <translation>Reconnexion du direct</translation>
        </message>
        <message>
            <location filename="../../studio/ui/dashboard/screen.py" line="179" />
            <source>Ended</source>
            <translation>Terminé</translation>
        </message>
        <message>
            <location filename="../../studio/ui/dashboard/screen.py" line="180" />
            <source>Disabled</source>
            <translation>Désactivé</translation>
        </message>
        <message>
            <location filename="../../studio/ui/dashboard/screen.py" line="226" />
            <source>%1 tipped you %2</source>
            <translation>%1 vous a donné un pourboire de %2</translation>
        </message>
        <message>
            <location filename="../../studio/ui/dashboard/screen.py" line="238" />
            <source>%1 subscribed to you</source>
            <translation>%1 s’est abonné(e) à votre chaîne</translation>
        </message>
        <message>
            <location filename="../../studio/ui/dashboard/screen.py" line="229" />
            <source>Dismiss</source>
            <translation>Fermer</translation>
        </message>
        <message>
            <location filename="../../studio/ui/dashboard/screen.py" line="238" />
            <source>Peak: %1</source>
            <translation>Pic : %1</translation>
        </message>
        <message numerus="yes">
            <location filename="../../studio/ui/dashboard/screen.py" line="246" />
            <source>Payments: %n. You keep %1 after fees.</source>
            <translation>
                <numerusform>Paiements : %n. Vous gardez %1 après les frais.</numerusform>
                <numerusform>Paiements : %n. Vous gardez %1 après les frais.</numerusform>
            </translation>
        </message>
        <message>
            <location filename="../../studio/ui/dashboard/screen.py" line="250" />
            <source>No tips on this stream yet.</source>
            <translation>Aucun pourboire sur ce direct pour l'instant.</translation>
        </message>
        <message>
            <location filename="../../studio/ui/dashboard/screen.py" line="253" />
            <source>%1: %2</source>
            <translation>%1 : %2</translation>
        </message>
        <message>
            <location filename="../../studio/ui/dashboard/screen.py" line="260" />
            <source>Tips appear here live.</source>
            <translation>Les pourboires s'affichent ici en direct.</translation>
        </message>
    </context>
    <context>
        <name>Earnings</name>
        <message>
            <location filename="../../studio/ui/earnings/screen.py" />
            <source>Withdraw</source>
            <translation>Retirer</translation>
        </message>
        <message>
            <location filename="../../studio/ui/earnings/screen.py" />
            <source>Send your available balance to M-Pesa or MTN MoMo.</source>
            <translation>Envoyer votre solde disponible vers M-Pesa ou MTN MoMo.</translation>
        </message>
        <message>
            <location filename="../../studio/ui/earnings/names.py" line="10" />
            <source>Tip</source>
            <translation>Pourboire</translation>
        </message>
        <message>
            <location filename="../../studio/ui/earnings/names.py" line="11" />
            <source>Ticket</source>
            <translation>Billet</translation>
        </message>
        <message>
            <location filename="../../studio/ui/earnings/names.py" line="12" />
            <source>Subscription</source>
            <translation>Abonnement</translation>
        </message>
        <message>
            <location filename="../../studio/ui/earnings/names.py" line="19" />
            <source>Card</source>
            <translation>Carte</translation>
        </message>
        <message>
            <location filename="../../studio/ui/earnings/names.py" line="32" />
            <location filename="../../studio/ui/earnings/totals.py" line="36" />
            <source>Pending</source>
            <translation>En attente</translation>
        </message>
        <message>
            <location filename="../../studio/ui/earnings/names.py" line="33" />
            <source>Paid</source>
            <translation>Payé</translation>
        </message>
        <message>
            <location filename="../../studio/ui/earnings/names.py" line="34" />
            <source>Failed</source>
            <translation>Échoué</translation>
        </message>
        <message>
            <location filename="../../studio/ui/earnings/names.py" line="35" />
            <source>Cancelled</source>
            <translation>Annulé</translation>
        </message>
        <message>
            <location filename="../../studio/ui/earnings/names.py" line="36" />
            <source>Expired</source>
            <translation>Expiré</translation>
        </message>
        <message>
            <location filename="../../studio/ui/earnings/screen.py" line="165" />
            <source>Earnings</source>
            <translation>Revenus</translation>
        </message>
        <message>
            <location filename="../../studio/ui/earnings/screen.py" line="166" />
            <source>Refresh</source>
            <translation>Actualiser</translation>
        </message>
        <message>
            <location filename="../../studio/ui/earnings/screen.py" line="167" />
            <location filename="../../studio/ui/earnings/transactions.py" line="173" />
            <source>Status</source>
            <translation>Statut</translation>
        </message>
        <message>
            <location filename="../../studio/ui/earnings/screen.py" line="168" />
            <source>Currency</source>
            <translation>Devise</translation>
        </message>
        <message>
            <location filename="../../studio/ui/earnings/screen.py" line="169" />
            <source>Transactions</source>
            <translation>Transactions</translation>
        </message>
        <message>
            <location filename="../../studio/ui/earnings/screen.py" line="170" />
            <source>By method</source>
            <translation>Par moyen de paiement</translation>
        </message>
        <message>
            <location filename="../../studio/ui/earnings/screen.py" line="171" />
            <source>By stream</source>
            <translation>Par direct</translation>
        </message>
        <message>
            <location filename="../../studio/ui/earnings/screen.py" line="215" />
            <source>Updating…</source>
            <translation>Mise à jour…</translation>
        </message>
        <message>
            <location filename="../../studio/ui/earnings/screen.py" line="218" />
            <source>Updated just now</source>
            <translation>Mis à jour à l’instant</translation>
        </message>
        <message>
            <location filename="../../studio/ui/earnings/screen.py" line="221" />
            <source>Updated %1</source>
            <translation>Mis à jour le %1</translation>
        </message>
        <message>
            <location filename="../../studio/ui/earnings/screen.py" line="225" />
            <source>Saved %1</source>
            <translation>Enregistré le %1</translation>
        </message>
        <message>
            <location filename="../../studio/ui/earnings/screen.py" line="235" />
            <source>Offline — showing figures from %1.</source>
            <translation>Hors ligne — chiffres du %1.</translation>
        </message>
        <message>
            <location filename="../../studio/ui/earnings/screen.py" line="239" />
            <source>Offline — no figures saved on this computer yet.</source>
            <translation>Hors ligne — aucun chiffre enregistré sur cet ordinateur pour l’instant.</translation>
        </message>
        <message>
            <location filename="../../studio/ui/earnings/screen.py" line="243" />
            <source>Could not update your earnings: %1</source>
            <translation>Impossible de mettre à jour vos revenus : %1</translation>
        </message>
        <message>
            <location filename="../../studio/ui/earnings/screen.py" line="245" />
            <source>Showing figures from %1.</source>
            <translation>Chiffres du %1.</translation>
        </message>
        <message>
            <location filename="../../studio/ui/earnings/screen.py" line="258" />
            <source>Method</source>
            <translation>Moyen de paiement</translation>
        </message>
        <message>
            <location filename="../../studio/ui/earnings/screen.py" line="259" />
            <source>Stream</source>
            <translation>Direct</translation>
        </message>
        <message>
            <location filename="../../studio/ui/earnings/screen.py" line="265" />
            <source>All statuses</source>
            <translation>Tous les statuts</translation>
        </message>
        <message>
            <location filename="../../studio/ui/earnings/screen.py" line="278" />
            <source>All currencies</source>
            <translation>Toutes les devises</translation>
        </message>
        <message>
            <location filename="../../studio/ui/earnings/totals.py" line="32" />
            <location filename="../../studio/ui/earnings/totals.py" line="162" />
            <source>Paid by fans</source>
            <translation>Payé par les fans</translation>
        </message>
        <message>
            <location filename="../../studio/ui/earnings/totals.py" line="33" />
            <source>Platform fees</source>
            <translation>Frais de la plateforme</translation>
        </message>
        <message>
            <location filename="../../studio/ui/earnings/totals.py" line="34" />
            <location filename="../../studio/ui/earnings/totals.py" line="163" />
            <source>Your share</source>
            <translation>Votre part</translation>
        </message>
        <message>
            <location filename="../../studio/ui/earnings/totals.py" line="35" />
            <source>Available</source>
            <translation>Disponible</translation>
        </message>
        <message>
            <location filename="../../studio/ui/earnings/totals.py" line="37" />
            <source>Paid out</source>
            <translation>Versé</translation>
        </message>
        <message>
            <location filename="../../studio/ui/earnings/totals.py" line="126" />
            <source>No figures on this computer yet: they appear once the studio has reached the server.</source>
            <translation>Aucun chiffre sur cet ordinateur pour l’instant : ils apparaissent dès que le studio a joint le serveur.</translation>
        </message>
        <message>
            <location filename="../../studio/ui/earnings/totals.py" line="134" />
            <source>No payments yet. Tips and tickets appear here as soon as your fans pay.</source>
            <translation>Aucun paiement pour l’instant. Pourboires et billets apparaissent ici dès que vos fans paient.</translation>
        </message>
        <message>
            <location filename="../../studio/ui/earnings/totals.py" line="161" />
            <source>Payments</source>
            <translation>Paiements</translation>
        </message>
        <message>
            <location filename="../../studio/ui/earnings/totals.py" line="191" />
            <source>Untitled stream</source>
            <translation>Direct sans titre</translation>
        </message>
        <message>
            <location filename="../../studio/ui/earnings/transactions.py" line="170" />
            <source>Date</source>
            <translation>Date</translation>
        </message>
        <message>
            <location filename="../../studio/ui/earnings/transactions.py" line="171" />
            <source>Kind</source>
            <translation>Type</translation>
        </message>
        <message>
            <location filename="../../studio/ui/earnings/transactions.py" line="172" />
            <source>Method</source>
            <comment>short column header</comment>
            <translation>Moyen</translation>
        </message>
        <message>
            <location filename="../../studio/ui/earnings/transactions.py" line="174" />
            <source>Payer</source>
            <translation>Payeur</translation>
        </message>
        <message>
            <location filename="../../studio/ui/earnings/transactions.py" line="175" />
            <source>Message</source>
            <translation>Message</translation>
        </message>
        <message>
            <location filename="../../studio/ui/earnings/transactions.py" line="176" />
            <source>Amount</source>
            <translation>Montant</translation>
        </message>
        <message>
            <location filename="../../studio/ui/earnings/transactions.py" line="177" />
            <source>Fee</source>
            <translation>Frais</translation>
        </message>
        <message>
            <location filename="../../studio/ui/earnings/transactions.py" line="178" />
            <source>Net</source>
            <translation>Net</translation>
        </message>
        <message>
            <location filename="../../studio/ui/earnings/screen.py" />
            <source>Search payer, message or method</source>
            <translation>Rechercher payeur, message, moyen</translation>
        </message>
        <message>
            <location filename="../../studio/ui/earnings/screen.py" />
            <source>Over time</source>
            <translation>Au fil du temps</translation>
        </message>
        <message>
            <location filename="../../studio/ui/earnings/over_time.py" />
            <source>Period</source>
            <translation>Période</translation>
        </message>
        <message>
            <location filename="../../studio/ui/earnings/over_time.py" />
            <source>Last 7 days</source>
            <translation>7 derniers jours</translation>
        </message>
        <message>
            <location filename="../../studio/ui/earnings/over_time.py" />
            <source>Last 30 days</source>
            <translation>30 derniers jours</translation>
        </message>
        <message>
            <location filename="../../studio/ui/earnings/over_time.py" />
            <source>Last 90 days, by week</source>
            <translation>90 derniers jours, par semaine</translation>
        </message>
        <message>
            <location filename="../../studio/ui/earnings/over_time.py" />
            <source>Last 12 months, by week</source>
            <translation>12 derniers mois, par semaine</translation>
        </message>
        <message>
            <location filename="../../studio/ui/earnings/over_time.py" />
            <source>No payments received in this period.</source>
            <translation>Aucun paiement reçu sur cette période.</translation>
        </message>
        <message>
            <location filename="../../studio/ui/earnings/over_time.py" />
            <source>No payments on this computer yet.</source>
            <translation>Aucun paiement sur cet ordinateur pour l’instant.</translation>
        </message>
        <message>
            <location filename="../../studio/ui/earnings/over_time.py" />
            <source>Your share: %1 from %2</source>
            <translation>Votre part : %1 sur %2</translation>
        </message>
        <message>
            <location filename="../../studio/ui/earnings/chart.py" />
            <source>1 payment</source>
            <translation>1 paiement</translation>
        </message>
        <message>
            <location filename="../../studio/ui/earnings/chart.py" />
            <source>%1 payments</source>
            <translation>%1 paiements</translation>
        </message>
        <message>
            <location filename="../../studio/ui/earnings/chart.py" />
            <source>%1 to %2</source>
            <translation>du %1 au %2</translation>
        </message>
        <message>
            <location filename="../../studio/ui/earnings/export.py" />
            <source>Export transactions</source>
            <translation>Exporter les transactions</translation>
        </message>
        <message>
            <location filename="../../studio/ui/earnings/export.py" />
            <source>CSV files (*.csv)</source>
            <translation>Fichiers CSV (*.csv)</translation>
        </message>
        <message>
            <location filename="../../studio/ui/earnings/export.py" />
            <source>Export CSV…</source>
            <translation>Exporter en CSV…</translation>
        </message>
        <message>
            <location filename="../../studio/ui/earnings/export.py" />
            <source>Save the transactions that match the filters and search.</source>
            <translation>Enregistrer les transactions qui correspondent aux filtres et à la recherche.</translation>
        </message>
        <message>
            <location filename="../../studio/ui/earnings/export.py" />
            <source>Exporting…</source>
            <translation>Export en cours…</translation>
        </message>
        <message>
            <location filename="../../studio/ui/earnings/export.py" />
            <source>Could not save %1: %2</source>
            <translation>Impossible d’enregistrer %1 : %2</translation>
        </message>
        <message>
            <location filename="../../studio/ui/earnings/export.py" />
            <source>Saved %1 rows to %2</source>
            <translation>%1 lignes enregistrées dans %2</translation>
        </message>
        <message>
            <location filename="../../studio/ui/earnings/export.py" />
            <source>Saved 1 row to %2</source>
            <translation>1 ligne enregistrée dans %2</translation>
        </message>
    </context>
    <context>
        <name>EncoderReasons</name>
        <message>
            <location filename="../../studio/ui/go_live/reasons.py" line="19" />
            <source>The ingest refused the stream: %1</source>
            <translation>Le serveur de réception a refusé le direct : %1</translation>
        </message>
        <message>
            <location filename="../../studio/ui/go_live/reasons.py" line="21" />
            <source>Can't reach the ingest at %1: nothing answers there.</source>
            <translation>Impossible de joindre le serveur de réception %1 : rien ne répond.</translation>
        </message>
        <message>
            <location filename="../../studio/ui/go_live/reasons.py" line="23" />
            <source>Can't reach the ingest at %1 (%2).</source>
            <translation>Impossible de joindre le serveur de réception %1 (%2).</translation>
        </message>
        <message>
            <location filename="../../studio/ui/go_live/reasons.py" line="25" />
            <source>Can't find the ingest host %1: check the URL or your network.</source>
            <translation>Serveur de réception %1 introuvable : vérifiez l’URL ou votre réseau.</translation>
        </message>
        <message>
            <location filename="../../studio/ui/go_live/reasons.py" line="28" />
            <source>The ingest at %1 did not answer in time.</source>
            <translation>Le serveur de réception %1 n’a pas répondu à temps.</translation>
        </message>
        <message>
            <location filename="../../studio/ui/go_live/reasons.py" line="30" />
            <source>No network route to the ingest at %1: are you online?</source>
            <translation>Aucune route réseau vers le serveur de réception %1 : êtes-vous connecté ?</translation>
        </message>
        <message>
            <location filename="../../studio/ui/go_live/reasons.py" line="32" />
            <source>The ingest did not accept the stream in time.</source>
            <translation>Le serveur de réception n’a pas accepté le direct à temps.</translation>
        </message>
        <message>
            <location filename="../../studio/ui/go_live/reasons.py" line="34" />
            <source>Can't open the video source: %1</source>
            <translation>Impossible d’ouvrir la source vidéo : %1</translation>
        </message>
        <message>
            <location filename="../../studio/ui/go_live/reasons.py" line="36" />
            <source>The video encoder failed: %1</source>
            <translation>L’encodeur vidéo a échoué : %1</translation>
        </message>
        <message>
            <location filename="../../studio/ui/go_live/reasons.py" line="38" />
            <source>The connection to the ingest was too slow to measure.</source>
            <translation>La connexion au serveur de réception était trop lente pour être mesurée.</translation>
        </message>
    </context>
    <context>
        <name>GoLiveScreen</name>
        <message>
            <location filename="../../studio/ui/go_live/screen.py" line="0" />
            <source>Chat with your fans</source>
            <translation>Discutez avec vos fans</translation>
        </message>
        <message>
            <location filename="../../studio/ui/go_live/screen.py" line="100" />
            <source>Go live</source>
            <translation>Passer en direct</translation>
        </message>
        <message>
            <location filename="../../studio/ui/go_live/screen.py" line="102" />
            <source>Choose a stream, what to show and a quality that suits your connection. If your connection drops while live, the studio reconnects by itself.</source>
            <translation>Choisissez un direct, ce que vous montrez et une qualité adaptée à votre connexion. Si la connexion coupe pendant le direct, le studio se reconnecte tout seul.</translation>
        </message>
        <message>
            <location filename="../../studio/ui/go_live/screen.py" line="134" />
            <source>Create or choose a stream first.</source>
            <translation>Créez ou choisissez d’abord un direct.</translation>
        </message>
    </context>
    <context>
        <name>LivePanel</name>
        <message>
            <location filename="../../studio/ui/go_live/live_panel.py" line="102" />
            <source>Broadcast</source>
            <translation>Diffusion</translation>
        </message>
        <message>
            <location filename="../../studio/ui/go_live/live_panel.py" line="103" />
            <source>Bitrate</source>
            <translation>Débit</translation>
        </message>
        <message>
            <location filename="../../studio/ui/go_live/live_panel.py" line="103" />
            <source>Frames/s</source>
            <translation>Images/s</translation>
        </message>
        <message>
            <location filename="../../studio/ui/go_live/live_panel.py" line="103" />
            <source>Dropped frames</source>
            <translation>Images perdues</translation>
        </message>
        <message>
            <location filename="../../studio/ui/go_live/live_panel.py" line="104" />
            <source>Time on air</source>
            <translation>Temps à l’antenne</translation>
        </message>
        <message>
            <location filename="../../studio/ui/go_live/live_panel.py" line="104" />
            <source>Server sees</source>
            <translation>Vu par le serveur</translation>
        </message>
        <message>
            <location filename="../../studio/ui/go_live/live_panel.py" line="108" />
            <source>Your encoder has stopped. End the broadcast for your viewers, or keep the stream to come back on it later?</source>
            <translation>L’envoi est arrêté. Terminer la diffusion pour vos spectateurs, ou garder le direct pour y revenir plus tard ?</translation>
        </message>
        <message>
            <location filename="../../studio/ui/go_live/live_panel.py" line="111" />
            <source>End the broadcast</source>
            <translation>Terminer la diffusion</translation>
        </message>
        <message>
            <location filename="../../studio/ui/go_live/live_panel.py" line="112" />
            <source>Keep the stream for later</source>
            <translation>Garder le direct pour plus tard</translation>
        </message>
        <message>
            <location filename="../../studio/ui/go_live/live_panel.py" line="153" />
            <source>End</source>
            <translation>Terminer</translation>
        </message>
        <message>
            <location filename="../../studio/ui/go_live/live_panel.py" line="153" />
            <source>Go live</source>
            <translation>Passer en direct</translation>
        </message>
        <message>
            <location filename="../../studio/ui/go_live/live_panel.py" line="161" />
            <source>%1 kbit/s</source>
            <translation>%1 kbit/s</translation>
        </message>
        <message>
            <location filename="../../studio/ui/go_live/live_panel.py" line="171" />
            <source>CONNECTING</source>
            <translation>CONNEXION</translation>
        </message>
        <message>
            <location filename="../../studio/ui/go_live/live_panel.py" line="172" />
            <source>LIVE</source>
            <translation>EN DIRECT</translation>
        </message>
        <message>
            <location filename="../../studio/ui/go_live/live_panel.py" line="173" />
            <source>RECONNECTING</source>
            <translation>RECONNEXION</translation>
        </message>
        <message>
            <location filename="../../studio/ui/go_live/live_panel.py" line="174" />
            <source>NOT LIVE</source>
            <translation>PAS EN DIRECT</translation>
        </message>
        <message>
            <location filename="../../studio/ui/go_live/live_panel.py" line="175" />
            <source>OFF AIR</source>
            <translation>HORS ANTENNE</translation>
        </message>
        <message>
            <location filename="../../studio/ui/go_live/live_panel.py" line="179" />
            <source>Connecting to the ingest…</source>
            <translation>Connexion au serveur de réception…</translation>
        </message>
        <message>
            <location filename="../../studio/ui/go_live/live_panel.py" line="181" />
            <source>You are live.</source>
            <translation>Vous êtes en direct.</translation>
        </message>
        <message>
            <location filename="../../studio/ui/go_live/live_panel.py" line="185" />
            <source>Connection lost. The studio is reconnecting on its own: %1 s. Drops so far: %2.</source>
            <translation>Connexion perdue. Le studio se reconnecte tout seul : %1 s. Coupures jusqu’ici : %2.</translation>
        </message>
        <message>
            <location filename="../../studio/ui/go_live/live_panel.py" line="192" />
            <source>The stream did not start.</source>
            <translation>Le direct n’a pas démarré.</translation>
        </message>
        <message>
            <location filename="../../studio/ui/go_live/live_panel.py" line="193" />
            <source>Ready when you are.</source>
            <translation>Prêt quand vous l’êtes.</translation>
        </message>
        <message>
            <location filename="../../studio/ui/go_live/live_panel.py" line="197" />
            <source>Waiting</source>
            <translation>En attente</translation>
        </message>
        <message>
            <location filename="../../studio/ui/go_live/live_panel.py" line="198" />
            <source>Live</source>
            <translation>En direct</translation>
        </message>
        <message>
            <location filename="../../studio/ui/go_live/live_panel.py" line="199" />
            <source>Disconnected</source>
            <translation>Déconnecté</translation>
        </message>
        <message>
            <location filename="../../studio/ui/go_live/live_panel.py" line="200" />
            <source>Ended</source>
            <translation>Terminé</translation>
        </message>
        <message>
            <location filename="../../studio/ui/go_live/live_panel.py" line="201" />
            <source>Disabled</source>
            <translation>Désactivé</translation>
        </message>
        <message>
            <location filename="../../studio/ui/go_live/live_panel.py" line="1" />
            <source>Encoder speed</source>
            <translation>Vitesse de l'encodeur</translation>
        </message>
        <message>
            <location filename="../../studio/ui/go_live/live_panel.py" line="1" />
            <source>Encoder CPU</source>
            <translation>Processeur (encodeur)</translation>
        </message>
        <message>
            <location filename="../../studio/ui/go_live/live_panel.py" line="1" />
            <source>Viewers</source>
            <translation>Spectateurs</translation>
        </message>
        <message>
            <location filename="../../studio/ui/go_live/live_panel.py" line="1" />
            <source>%1×</source>
            <translation>%1×</translation>
        </message>
        <message>
            <location filename="../../studio/ui/go_live/live_panel.py" line="1" />
            <source>%1 %</source>
            <translation>%1 %</translation>
        </message>
        <message>
            <location filename="../../studio/ui/go_live/live_panel.py" line="1" />
            <source>Your connection or computer could not keep up, so the studio lowered the quality to %1. Your viewers now get a smoother picture.</source>
            <translation>Votre connexion ou votre ordinateur n'arrivait plus à suivre : le studio a baissé la qualité en %1. Vos spectateurs ont maintenant une image plus fluide.</translation>
        </message>
        <message>
            <location filename="../../studio/ui/go_live/live_panel.py" line="1" />
            <source>A copy of what you send is saved in %1.</source>
            <translation>Une copie de ce que vous envoyez est enregistrée dans %1.</translation>
        </message>
    </context>
    <context>
        <name>MainWindow</name>
        <message>
            <location filename="../../studio/ui/main_window.py" line="142" />
            <source>Flash Africa Studio</source>
            <translation>Flash Africa Studio</translation>
        </message>
        <message>
            <location filename="../../studio/ui/main_window.py" line="143" />
            <source>Starting Flash Africa Studio…</source>
            <translation>Démarrage de Flash Africa Studio…</translation>
        </message>
        <message>
            <location filename="../../studio/ui/main_window.py" line="156" />
            <source>This computer has no password keyring, so the studio cannot remember your sign-in: you will need to sign in again next time you open it.</source>
            <translation>Cet ordinateur n’a pas de trousseau de mots de passe : le studio ne peut pas retenir votre connexion. Vous devrez vous reconnecter à la prochaine ouverture.</translation>
        </message>
        <message>
            <location filename="../../studio/ui/main_window.py" line="159" />
            <source>Dismiss</source>
            <translation>Fermer</translation>
        </message>
        <message>
            <location filename="../../studio/ui/main_window.py" line="163" />
            <source>The studio's built-in server is not running. Details: %1</source>
            <translation>Le serveur intégré du studio ne fonctionne pas. Détails : %1</translation>
        </message>
        <message>
            <location filename="../../studio/ui/main_window.py" line="166" />
            <source>Try again</source>
            <translation>Réessayer</translation>
        </message>
        <message>
            <location filename="../../studio/ui/main_window.py" line="145" />
            <source>Sandbox</source>
            <translation>Bac à sable</translation>
        </message>
        <message>
            <location filename="../../studio/ui/main_window.py" line="147" />
            <source>Payments and streaming are simulated on this server: no real money moves.</source>
            <translation>Les paiements et la diffusion sont simulés sur ce serveur : aucun argent réel ne circule.</translation>
        </message>
        <message>
            <location filename="../../studio/ui/main_window.py" line="149" />
            <source>Offline</source>
            <translation>Hors ligne</translation>
        </message>
        <message>
            <location filename="../../studio/ui/main_window.py" line="184" />
            <source>The built-in server is not running</source>
            <translation>Le serveur intégré ne fonctionne pas</translation>
        </message>
        <message numerus="yes">
            <location filename="../../studio/ui/main_window.py" line="207" />
            <source>You are offline: the built-in server is not answering. Trying again in %n s.</source>
            <translation>
                <numerusform>Vous êtes hors ligne : le serveur intégré ne répond pas. Nouvel essai dans %n s.</numerusform>
                <numerusform>Vous êtes hors ligne : le serveur intégré ne répond pas. Nouvel essai dans %n s.</numerusform>
            </translation>
        </message>
        <message>
            <location filename="../../studio/ui/main_window.py" line="213" />
            <source>You are offline: the built-in server is not answering. Trying again now…</source>
            <translation>Vous êtes hors ligne : le serveur intégré ne répond pas. Nouvel essai en cours…</translation>
        </message>
        <message>
            <location filename="../../studio/ui/main_window.py" line="187" />
            <source>Connected to %1</source>
            <translation>Connecté à %1</translation>
        </message>
        <message>
            <location filename="../../studio/ui/main_window.py" line="188" />
            <source>Cannot reach %1</source>
            <translation>Impossible de joindre %1</translation>
        </message>
        <message>
            <location filename="../../studio/ui/main_window.py" line="190" />
            <source>Connecting to %1…</source>
            <translation>Connexion à %1…</translation>
        </message>
        <message>
            <location filename="../../studio/ui/main_window.py" line="192" />
            <source>Connected to the built-in server</source>
            <translation>Connecté au serveur intégré</translation>
        </message>
        <message>
            <location filename="../../studio/ui/main_window.py" line="193" />
            <source>Cannot reach the built-in server</source>
            <translation>Impossible de joindre le serveur intégré</translation>
        </message>
        <message>
            <location filename="../../studio/ui/main_window.py" line="195" />
            <source>Starting the built-in server…</source>
            <translation>Démarrage du serveur intégré…</translation>
        </message>
        <message numerus="yes">
            <location filename="../../studio/ui/main_window.py" line="201" />
            <source>You are offline: %1 is not answering. Trying again in %n s.</source>
            <translation>
                <numerusform>Vous êtes hors ligne : %1 ne répond pas. Nouvel essai dans %n s.</numerusform>
                <numerusform>Vous êtes hors ligne : %1 ne répond pas. Nouvel essai dans %n s.</numerusform>
            </translation>
        </message>
        <message>
            <location filename="../../studio/ui/main_window.py" line="204" />
            <source>You are offline: %1 is not answering. Trying again now…</source>
            <translation>Vous êtes hors ligne : %1 ne répond pas. Nouvel essai en cours…</translation>
        </message>
        <message>
            <location filename="../../studio/ui/main_window.py" line="170" />
            <source>Try now</source>
            <translation>Réessayer maintenant</translation>
        </message>
        <message>
            <location filename="../../studio/ui/main_window.py" line="202" />
            <source>Downloading version %1… %2%</source>
            <translation>Téléchargement de la version %1… %2 %</translation>
        </message>
        <message>
            <location filename="../../studio/ui/main_window.py" line="204" />
            <source>Version %1 is downloaded and checked. Install it when you are ready.</source>
            <translation>La version %1 est téléchargée et vérifiée. Installez-la quand vous voulez.</translation>
        </message>
        <message>
            <location filename="../../studio/ui/main_window.py" line="205" />
            <source>Install</source>
            <translation>Installer</translation>
        </message>
        <message>
            <location filename="../../studio/ui/main_window.py" line="207" />
            <source>Version %1 could not be downloaded or opened: %2</source>
            <translation>La version %1 n'a pas pu être téléchargée ou ouverte : %2</translation>
        </message>
        <message>
            <location filename="../../studio/ui/main_window.py" line="210" />
            <source>Version %1 of Flash Africa Studio is available.</source>
            <translation>La version %1 de Flash Africa Studio est disponible.</translation>
        </message>
        <message>
            <location filename="../../studio/ui/main_window.py" line="211" />
            <source>Download</source>
            <translation>Télécharger</translation>
        </message>
        <message>
            <location filename="../../studio/ui/main_window.py" line="114" />
            <source>Later</source>
            <translation>Plus tard</translation>
        </message>
    </context>
    <context>
        <name>Messages</name>
        <message>
            <location filename="../../studio/ui/messages.py" line="31" />
            <source>Enter a valid email address, like awa@example.com.</source>
            <translation>Saisissez une adresse e-mail valide, par exemple awa@example.com.</translation>
        </message>
        <message>
            <location filename="../../studio/ui/messages.py" line="32" />
            <source>Write the phone number with its country code, like +254712345678.</source>
            <translation>Écrivez le numéro avec l’indicatif du pays, par exemple +221771234567.</translation>
        </message>
        <message>
            <location filename="../../studio/ui/messages.py" line="35" />
            <source>Use at least 10 characters, mixing letters with digits or symbols.</source>
            <translation>Utilisez au moins 10 caractères, en mêlant lettres et chiffres ou symboles.</translation>
        </message>
        <message>
            <location filename="../../studio/ui/messages.py" line="38" />
            <source>Enter the name your fans will see (1 to 60 characters).</source>
            <translation>Saisissez le nom que verront vos fans (1 à 60 caractères).</translation>
        </message>
        <message>
            <location filename="../../studio/ui/messages.py" line="41" />
            <location filename="../../studio/ui/messages.py" line="58" />
            <source>Choose your country from the list.</source>
            <translation>Choisissez votre pays dans la liste.</translation>
        </message>
        <message>
            <location filename="../../studio/ui/messages.py" line="42" />
            <source>Choose your currency from the list.</source>
            <translation>Choisissez votre devise dans la liste.</translation>
        </message>
        <message>
            <location filename="../../studio/ui/messages.py" line="43" />
            <source>Choose English or French.</source>
            <translation>Choisissez l’anglais ou le français.</translation>
        </message>
        <message>
            <location filename="../../studio/ui/messages.py" line="44" />
            <source>Choose creator or fan.</source>
            <translation>Choisissez créateur ou fan.</translation>
        </message>
        <message>
            <location filename="../../studio/ui/messages.py" line="45" />
            <source>A server address starts with http:// or https://, then the host name.</source>
            <translation>Une adresse de serveur commence par http:// ou https://, suivi du nom d’hôte.</translation>
        </message>
        <message>
            <location filename="../../studio/ui/messages.py" line="55" />
            <source>Enter your email or phone number.</source>
            <translation>Saisissez votre e-mail ou votre numéro de téléphone.</translation>
        </message>
        <message>
            <location filename="../../studio/ui/messages.py" line="56" />
            <source>Enter your password.</source>
            <translation>Saisissez votre mot de passe.</translation>
        </message>
        <message>
            <location filename="../../studio/ui/messages.py" line="57" />
            <source>Enter the name your fans will see.</source>
            <translation>Saisissez le nom que verront vos fans.</translation>
        </message>
        <message>
            <location filename="../../studio/ui/messages.py" line="60" />
            <source>This is required.</source>
            <translation>Ce champ est obligatoire.</translation>
        </message>
        <message>
            <location filename="../../studio/ui/messages.py" line="67" />
            <source>Can't reach the server right now. The studio keeps trying; try again in a moment.</source>
            <translation>Impossible de joindre le serveur pour l’instant. Le studio continue d’essayer ; réessayez dans un moment.</translation>
        </message>
        <message numerus="yes">
            <location filename="../../studio/ui/messages.py" line="75" />
            <source>Too many tries. Wait %n second(s), then try again.</source>
            <translation>
                <numerusform>Trop de tentatives. Attendez %n seconde, puis réessayez.</numerusform>
                <numerusform>Trop de tentatives. Attendez %n secondes, puis réessayez.</numerusform>
            </translation>
        </message>
        <message>
            <location filename="../../studio/ui/messages.py" line="81" />
            <source>An account with this email or phone number already exists. Sign in instead.</source>
            <translation>Un compte existe déjà avec cet e-mail ou ce numéro. Connectez-vous plutôt.</translation>
        </message>
        <message>
            <location filename="../../studio/ui/messages.py" line="87" />
            <source>Wrong email, phone number or password.</source>
            <translation>E-mail, numéro ou mot de passe incorrect.</translation>
        </message>
        <message>
            <location filename="../../studio/ui/messages.py" line="90" />
            <source>Your sign-in has ended. Please sign in again.</source>
            <translation>Votre session a pris fin. Veuillez vous reconnecter.</translation>
        </message>
    </context>
    <context>
        <name>PreviewView</name>
        <message>
            <location filename="../../studio/ui/go_live/preview.py" line="51" />
            <source>Preview paused while you are live, so your stream gets all the power.</source>
            <translation>Aperçu en pause pendant le direct, pour laisser toute la puissance à votre diffusion.</translation>
        </message>
        <message>
            <location filename="../../studio/ui/go_live/preview.py" line="54" />
            <source>Choose a source to see it here.</source>
            <translation>Choisissez une source pour la voir ici.</translation>
        </message>
        <message>
            <location filename="../../studio/ui/go_live/preview.py" line="56" />
            <source>No preview: %1</source>
            <translation>Pas d’aperçu : %1</translation>
        </message>
        <message>
            <location filename="../../studio/ui/go_live/preview.py" line="58" />
            <source>Preview, about one picture a second.</source>
            <translation>Aperçu, environ une image par seconde.</translation>
        </message>
        <message>
            <location filename="../../studio/ui/go_live/preview.py" line="62" />
            <source>Paused while live</source>
            <translation>En pause pendant le direct</translation>
        </message>
        <message>
            <location filename="../../studio/ui/go_live/preview.py" line="62" />
            <source>No picture yet</source>
            <translation>Pas encore d’image</translation>
        </message>
    </context>
    <context>
        <name>QualityPanel</name>
        <message>
            <location filename="../../studio/ui/go_live/quality_panel.py" line="83" />
            <source>Quality</source>
            <translation>Qualité</translation>
        </message>
        <message>
            <location filename="../../studio/ui/go_live/quality_panel.py" line="84" />
            <source>Picture quality</source>
            <translation>Qualité d’image</translation>
        </message>
        <message>
            <location filename="../../studio/ui/go_live/quality_panel.py" line="91" />
            <source>%1 · %2 Mbit/s</source>
            <translation>%1 · %2 Mbit/s</translation>
        </message>
        <message>
            <location filename="../../studio/ui/go_live/quality_panel.py" line="94" />
            <source>Custom</source>
            <translation>Personnalisée</translation>
        </message>
        <message>
            <location filename="../../studio/ui/go_live/quality_panel.py" line="97" />
            <source>Resolution</source>
            <translation>Résolution</translation>
        </message>
        <message>
            <location filename="../../studio/ui/go_live/quality_panel.py" line="98" />
            <source>Frames per second</source>
            <translation>Images par seconde</translation>
        </message>
        <message>
            <location filename="../../studio/ui/go_live/quality_panel.py" line="99" />
            <source>Video (kbit/s)</source>
            <translation>Vidéo (kbit/s)</translation>
        </message>
        <message>
            <location filename="../../studio/ui/go_live/quality_panel.py" line="101" />
            <source>Testing your connection…</source>
            <translation>Test de votre connexion…</translation>
        </message>
        <message>
            <location filename="../../studio/ui/go_live/quality_panel.py" line="101" />
            <source>Test my connection</source>
            <translation>Tester ma connexion</translation>
        </message>
        <message>
            <location filename="../../studio/ui/go_live/quality_panel.py" line="0" />
            <source>The test sends a test pattern to your stream's ingest for about 5 seconds and measures how much gets through. Your fans don't see it.</source>
            <translation>Le test envoie une mire au serveur de réception de votre direct pendant environ 5 secondes et mesure ce qui passe. Vos fans ne la voient pas.</translation>
        </message>
        <message>
            <location filename="../../studio/ui/go_live/quality_panel.py" line="145" />
            <source>Your upload to the ingest: at least %1 Mbit/s.</source>
            <translation>Votre envoi vers le serveur de réception : au moins %1 Mbit/s.</translation>
        </message>
        <message>
            <location filename="../../studio/ui/go_live/quality_panel.py" line="147" />
            <source>Your upload to the ingest: about %1 Mbit/s.</source>
            <translation>Votre envoi vers le serveur de réception : environ %1 Mbit/s.</translation>
        </message>
        <message>
            <location filename="../../studio/ui/go_live/quality_panel.py" line="151" />
            <source>That is too little for a steady stream, even at 360p. Try another network.</source>
            <translation>C’est trop peu pour un direct stable, même en 360p. Essayez un autre réseau.</translation>
        </message>
        <message>
            <location filename="../../studio/ui/go_live/quality_panel.py" line="154" />
            <source>We suggest %1.</source>
            <translation>Nous conseillons %1.</translation>
        </message>
        <message>
            <location filename="../../studio/ui/go_live/quality_panel.py" line="155" />
            <source>Use %1</source>
            <translation>Utiliser %1</translation>
        </message>
        <message>
            <location filename="../../studio/ui/go_live/quality_panel.py" line="1" />
            <source>Lower quality automatically when the connection struggles</source>
            <translation>Baisser la qualité automatiquement quand la connexion peine</translation>
        </message>
        <message>
            <location filename="../../studio/ui/go_live/quality_panel.py" line="1" />
            <source>Keep a copy of what I send on this computer (Videos)</source>
            <translation>Garder une copie de ce que j'envoie sur cet ordinateur (Vidéos)</translation>
        </message>
    </context>
    <context>
        <name>SettingsScreen</name>
        <message>
            <location filename="../../studio/ui/settings_screen.py" line="105" />
            <source>← Back to sign in</source>
            <translation>← Retour à la connexion</translation>
        </message>
        <message>
            <location filename="../../studio/ui/settings_screen.py" line="106" />
            <source>Settings</source>
            <translation>Paramètres</translation>
        </message>
        <message>
            <location filename="../../studio/ui/settings_screen.py" line="107" />
            <source>Server</source>
            <translation>Serveur</translation>
        </message>
        <message>
            <location filename="../../studio/ui/settings_screen.py" line="109" />
            <source>Server address</source>
            <translation>Adresse du serveur</translation>
        </message>
        <message>
            <location filename="../../studio/ui/settings_screen.py" line="111" />
            <source>Leave empty to use the server built into the studio: it runs on this computer, works without internet, and simulates payments (sandbox).</source>
            <translation>Laissez vide pour utiliser le serveur intégré au studio : il fonctionne sur cet ordinateur, sans internet, et simule les paiements (bac à sable).</translation>
        </message>
        <message>
            <location filename="../../studio/ui/settings_screen.py" line="115" />
            <source>https://your-server.example</source>
            <translation>https://votre-serveur.exemple</translation>
        </message>
        <message>
            <location filename="../../studio/ui/settings_screen.py" line="116" />
            <source>Use this server</source>
            <translation>Utiliser ce serveur</translation>
        </message>
        <message>
            <location filename="../../studio/ui/settings_screen.py" line="117" />
            <source>Language and appearance</source>
            <translation>Langue et apparence</translation>
        </message>
        <message>
            <location filename="../../studio/ui/settings_screen.py" line="118" />
            <source>Language</source>
            <translation>Langue</translation>
        </message>
        <message>
            <location filename="../../studio/ui/settings_screen.py" line="119" />
            <source>Theme</source>
            <translation>Thème</translation>
        </message>
        <message>
            <location filename="../../studio/ui/settings_screen.py" line="123" />
            <source>Follow my system</source>
            <translation>Comme mon système</translation>
        </message>
        <message>
            <location filename="../../studio/ui/settings_screen.py" line="124" />
            <source>Light</source>
            <translation>Clair</translation>
        </message>
        <message>
            <location filename="../../studio/ui/settings_screen.py" line="125" />
            <source>Dark</source>
            <translation>Sombre</translation>
        </message>
        <message>
            <location filename="../../studio/ui/settings_screen.py" line="130" />
            <source>The built-in server keeps your accounts and streams in %1.</source>
            <translation>Le serveur intégré conserve vos comptes et vos directs dans %1.</translation>
        </message>
        <message>
            <location filename="../../studio/ui/settings_screen.py" line="164" />
            <source>In use: %1</source>
            <translation>Utilisé : %1</translation>
        </message>
        <message>
            <location filename="../../studio/ui/settings_screen.py" line="166" />
            <source>In use: the built-in server on this computer.</source>
            <translation>Utilisé : le serveur intégré à cet ordinateur.</translation>
        </message>
        <message>
            <location filename="../../studio/ui/settings_screen.py" line="1" />
            <source>Video encoder</source>
            <translation>Encodeur vidéo</translation>
        </message>
        <message>
            <location filename="../../studio/ui/settings_screen.py" line="1" />
            <source>ffmpeg program</source>
            <translation>Programme ffmpeg</translation>
        </message>
        <message>
            <location filename="../../studio/ui/settings_screen.py" line="1" />
            <source>Leave empty to use the ffmpeg built into the studio. Or give the full path of an ffmpeg on this computer, for example one that uses your graphics card.</source>
            <translation>Laissez vide pour utiliser le ffmpeg intégré au studio. Ou indiquez le chemin complet d'un ffmpeg installé sur cet ordinateur, par exemple un qui utilise votre carte graphique.</translation>
        </message>
        <message>
            <location filename="../../studio/ui/settings_screen.py" line="1" />
            <source>Built into the studio</source>
            <translation>Intégré au studio</translation>
        </message>
        <message>
            <location filename="../../studio/ui/settings_screen.py" line="1" />
            <source>Use this ffmpeg</source>
            <translation>Utiliser ce ffmpeg</translation>
        </message>
        <message>
            <location filename="../../studio/ui/settings_screen.py" line="1" />
            <source>This program did not answer like ffmpeg (ffmpeg -version). Choose the ffmpeg program itself, or leave the field empty.</source>
            <translation>Ce programme n'a pas répondu comme ffmpeg (ffmpeg -version). Choisissez le programme ffmpeg lui-même, ou laissez le champ vide.</translation>
        </message>
        <message>
            <location filename="../../studio/ui/settings_screen.py" line="1" />
            <source>There is no file at %1. Give the full path of the ffmpeg program.</source>
            <translation>Aucun fichier à l'emplacement %1. Indiquez le chemin complet du programme ffmpeg.</translation>
        </message>
        <message>
            <location filename="../../studio/ui/settings_screen.py" line="1" />
            <source>In use: the ffmpeg built into the studio.</source>
            <translation>Utilisé : le ffmpeg intégré au studio.</translation>
        </message>
    </context>
    <context>
        <name>SignInScreen</name>
        <message>
            <location filename="../../studio/ui/sign_in.py" line="62" />
            <source>Welcome back</source>
            <translation>Bon retour</translation>
        </message>
        <message>
            <location filename="../../studio/ui/sign_in.py" line="63" />
            <source>Sign in to go live and follow your earnings.</source>
            <translation>Connectez-vous pour passer en direct et suivre vos revenus.</translation>
        </message>
        <message>
            <location filename="../../studio/ui/sign_in.py" line="64" />
            <source>Email or phone number</source>
            <translation>E-mail ou numéro de téléphone</translation>
        </message>
        <message>
            <location filename="../../studio/ui/sign_in.py" line="65" />
            <source>awa@example.com or +254712345678</source>
            <translation>awa@example.com ou +221771234567</translation>
        </message>
        <message>
            <location filename="../../studio/ui/sign_in.py" line="66" />
            <source>Password</source>
            <translation>Mot de passe</translation>
        </message>
        <message>
            <location filename="../../studio/ui/sign_in.py" line="67" />
            <location filename="../../studio/ui/sign_in.py" line="108" />
            <source>Signing in…</source>
            <translation>Connexion…</translation>
        </message>
        <message>
            <location filename="../../studio/ui/sign_in.py" line="67" />
            <location filename="../../studio/ui/sign_in.py" line="108" />
            <source>Sign in</source>
            <translation>Se connecter</translation>
        </message>
        <message>
            <location filename="../../studio/ui/sign_in.py" line="68" />
            <source>New here? Create an account</source>
            <translation>Nouveau ? Créez un compte</translation>
        </message>
        <message>
            <location filename="../../studio/ui/sign_in.py" line="69" />
            <source>Settings</source>
            <translation>Paramètres</translation>
        </message>
    </context>
    <context>
        <name>SignUpScreen</name>
        <message>
            <location filename="../../studio/ui/sign_up.py" line="112" />
            <source>Create your account</source>
            <translation>Créez votre compte</translation>
        </message>
        <message>
            <location filename="../../studio/ui/sign_up.py" line="114" />
            <source>It takes a minute. You can go live as soon as you are in.</source>
            <translation>C’est l’affaire d’une minute. Vous pourrez passer en direct dès votre inscription.</translation>
        </message>
        <message>
            <location filename="../../studio/ui/sign_up.py" line="117" />
            <source>Email or phone number</source>
            <translation>E-mail ou numéro de téléphone</translation>
        </message>
        <message>
            <location filename="../../studio/ui/sign_up.py" line="118" />
            <source>A phone number starts with + and the country code, like +254712345678.</source>
            <translation>Un numéro commence par + et l’indicatif du pays, par exemple +221771234567.</translation>
        </message>
        <message>
            <location filename="../../studio/ui/sign_up.py" line="121" />
            <source>Password</source>
            <translation>Mot de passe</translation>
        </message>
        <message>
            <location filename="../../studio/ui/sign_up.py" line="122" />
            <source>At least 10 characters, mixing letters with digits or symbols.</source>
            <translation>Au moins 10 caractères, en mêlant lettres et chiffres ou symboles.</translation>
        </message>
        <message>
            <location filename="../../studio/ui/sign_up.py" line="124" />
            <source>Name your fans will see</source>
            <translation>Nom que verront vos fans</translation>
        </message>
        <message>
            <location filename="../../studio/ui/sign_up.py" line="125" />
            <source>I am joining as</source>
            <translation>Je m’inscris en tant que</translation>
        </message>
        <message>
            <location filename="../../studio/ui/sign_up.py" line="126" />
            <source>A creator: I go live and receive support</source>
            <translation>Créateur : je fais des directs et je reçois du soutien</translation>
        </message>
        <message>
            <location filename="../../studio/ui/sign_up.py" line="127" />
            <source>A fan: I watch and support creators</source>
            <translation>Fan : je regarde et je soutiens des créateurs</translation>
        </message>
        <message>
            <location filename="../../studio/ui/sign_up.py" line="128" />
            <source>Country</source>
            <translation>Pays</translation>
        </message>
        <message>
            <location filename="../../studio/ui/sign_up.py" line="129" />
            <source>Currency</source>
            <translation>Devise</translation>
        </message>
        <message>
            <location filename="../../studio/ui/sign_up.py" line="130" />
            <source>Language for messages and receipts</source>
            <translation>Langue des messages et des reçus</translation>
        </message>
        <message>
            <location filename="../../studio/ui/sign_up.py" line="132" />
            <location filename="../../studio/ui/sign_up.py" line="207" />
            <source>Creating your account…</source>
            <translation>Création de votre compte…</translation>
        </message>
        <message>
            <location filename="../../studio/ui/sign_up.py" line="132" />
            <location filename="../../studio/ui/sign_up.py" line="207" />
            <source>Create account</source>
            <translation>Créer le compte</translation>
        </message>
        <message>
            <location filename="../../studio/ui/sign_up.py" line="134" />
            <source>Already have an account? Sign in</source>
            <translation>Déjà un compte ? Connectez-vous</translation>
        </message>
        <message>
            <location filename="../../studio/ui/sign_up.py" line="192" />
            <source>Choose your country</source>
            <translation>Choisissez votre pays</translation>
        </message>
    </context>
    <context>
        <name>SourcePanel</name>
        <message>
            <location filename="../../studio/ui/go_live/source_panel.py" line="67" />
            <source>Source</source>
            <translation>Source</translation>
        </message>
        <message>
            <location filename="../../studio/ui/go_live/source_panel.py" line="68" />
            <source>What to stream</source>
            <translation>Que diffuser</translation>
        </message>
        <message>
            <location filename="../../studio/ui/go_live/source_panel.py" line="70" />
            <source>Test pattern (rehearsal)</source>
            <translation>Mire (répétition)</translation>
        </message>
        <message>
            <location filename="../../studio/ui/go_live/source_panel.py" line="71" />
            <source>My screen</source>
            <translation>Mon écran</translation>
        </message>
        <message>
            <location filename="../../studio/ui/go_live/source_panel.py" line="72" />
            <source>Camera</source>
            <translation>Caméra</translation>
        </message>
        <message>
            <location filename="../../studio/ui/go_live/source_panel.py" line="73" />
            <source>A video file</source>
            <translation>Un fichier vidéo</translation>
        </message>
        <message>
            <location filename="../../studio/ui/go_live/source_panel.py" line="82" />
            <source>Screen</source>
            <translation>Écran</translation>
        </message>
        <message>
            <location filename="../../studio/ui/go_live/source_panel.py" line="84" />
            <source>Microphone</source>
            <translation>Micro</translation>
        </message>
        <message>
            <location filename="../../studio/ui/go_live/source_panel.py" line="85" />
            <source>Choose a file…</source>
            <translation>Choisir un fichier…</translation>
        </message>
        <message>
            <location filename="../../studio/ui/go_live/source_panel.py" line="86" />
            <source>No file chosen</source>
            <translation>Aucun fichier choisi</translation>
        </message>
        <message>
            <location filename="../../studio/ui/go_live/source_panel.py" line="118" />
            <source>Choose a video file to stream.</source>
            <translation>Choisissez un fichier vidéo à diffuser.</translation>
        </message>
        <message>
            <location filename="../../studio/ui/go_live/source_panel.py" line="120" />
            <source>Looking for your devices…</source>
            <translation>Recherche de vos appareils…</translation>
        </message>
        <message>
            <location filename="../../studio/ui/go_live/source_panel.py" line="122" />
            <source>No camera found. Plug one in, then come back to this screen.</source>
            <translation>Aucune caméra trouvée. Branchez-en une, puis revenez sur cet écran.</translation>
        </message>
        <message>
            <location filename="../../studio/ui/go_live/source_panel.py" line="123" />
            <source>No screen can be captured here (a Wayland session without X11?).</source>
            <translation>Aucun écran ne peut être capturé ici (session Wayland sans X11 ?).</translation>
        </message>
        <message>
            <location filename="../../studio/ui/go_live/source_panel.py" line="139" />
            <source>No microphone (silence)</source>
            <translation>Pas de micro (silence)</translation>
        </message>
        <message>
            <location filename="../../studio/ui/go_live/source_panel.py" line="151" />
            <source>None found</source>
            <translation>Aucun trouvé</translation>
        </message>
        <message>
            <location filename="../../studio/ui/go_live/source_panel.py" line="151" />
            <source>Looking…</source>
            <translation>Recherche…</translation>
        </message>
        <message>
            <location filename="../../studio/ui/go_live/source_panel.py" line="166" />
            <source>Choose a video to stream</source>
            <translation>Choisir une vidéo à diffuser</translation>
        </message>
        <message>
            <location filename="../../studio/ui/go_live/source_panel.py" line="168" />
            <source>Videos (*.mp4 *.mov *.mkv *.webm *.avi *.flv)</source>
            <translation>Vidéos (*.mp4 *.mov *.mkv *.webm *.avi *.flv)</translation>
        </message>
    </context>
    <context>
        <name>StreamPanel</name>
        <message>
            <location filename="../../studio/ui/go_live/stream_panel.py" line="146" />
            <source>Stream</source>
            <translation>Direct</translation>
        </message>
        <message>
            <location filename="../../studio/ui/go_live/stream_panel.py" line="147" />
            <source>New stream</source>
            <translation>Nouveau direct</translation>
        </message>
        <message>
            <location filename="../../studio/ui/go_live/stream_panel.py" line="148" />
            <source>Title</source>
            <translation>Titre</translation>
        </message>
        <message>
            <location filename="../../studio/ui/go_live/stream_panel.py" line="149" />
            <source>Friday night live from Dakar</source>
            <translation>Vendredi soir en direct de Dakar</translation>
        </message>
        <message>
            <location filename="../../studio/ui/go_live/stream_panel.py" line="150" />
            <source>Who can watch</source>
            <translation>Qui peut regarder</translation>
        </message>
        <message>
            <location filename="../../studio/ui/go_live/stream_panel.py" line="151" />
            <source>Delay for viewers</source>
            <translation>Délai pour les spectateurs</translation>
        </message>
        <message>
            <location filename="../../studio/ui/go_live/stream_panel.py" line="153" />
            <source>Everyone</source>
            <translation>Tout le monde</translation>
        </message>
        <message>
            <location filename="../../studio/ui/go_live/stream_panel.py" line="154" />
            <source>Members only</source>
            <translation>Membres seulement</translation>
        </message>
        <message>
            <location filename="../../studio/ui/go_live/stream_panel.py" line="155" />
            <source>Ticket holders (paid)</source>
            <translation>Détenteurs d’un billet (payant)</translation>
        </message>
        <message>
            <location filename="../../studio/ui/go_live/stream_panel.py" line="158" />
            <source>Standard (steadiest)</source>
            <translation>Standard (le plus stable)</translation>
        </message>
        <message>
            <location filename="../../studio/ui/go_live/stream_panel.py" line="159" />
            <source>Reduced (for weak networks)</source>
            <translation>Réduit (pour les réseaux faibles)</translation>
        </message>
        <message>
            <location filename="../../studio/ui/go_live/stream_panel.py" line="160" />
            <source>Low (closest to real time)</source>
            <translation>Faible (au plus près du temps réel)</translation>
        </message>
        <message>
            <location filename="../../studio/ui/go_live/stream_panel.py" line="162" />
            <source>Ticket price (%1)</source>
            <translation>Prix du billet (%1)</translation>
        </message>
        <message>
            <location filename="../../studio/ui/go_live/stream_panel.py" line="163" />
            <source>Create stream</source>
            <translation>Créer le direct</translation>
        </message>
        <message>
            <location filename="../../studio/ui/go_live/stream_panel.py" line="164" />
            <source>Cancel</source>
            <translation>Annuler</translation>
        </message>
        <message>
            <location filename="../../studio/ui/go_live/stream_panel.py" line="165" />
            <source>Ingest URL</source>
            <translation>URL de réception</translation>
        </message>
        <message>
            <location filename="../../studio/ui/go_live/stream_panel.py" line="167" />
            <source>Stream key</source>
            <translation>Clé de diffusion</translation>
        </message>
        <message>
            <location filename="../../studio/ui/go_live/stream_panel.py" line="167" />
            <source>Keep it secret: anyone with it can stream as you.</source>
            <translation>Gardez-la secrète : quiconque l’a peut diffuser à votre place.</translation>
        </message>
        <message>
            <location filename="../../studio/ui/go_live/stream_panel.py" line="169" />
            <source>Hide</source>
            <translation>Masquer</translation>
        </message>
        <message>
            <location filename="../../studio/ui/go_live/stream_panel.py" line="169" />
            <source>Show</source>
            <translation>Afficher</translation>
        </message>
        <message>
            <location filename="../../studio/ui/go_live/stream_panel.py" line="170" />
            <source>Copy</source>
            <translation>Copier</translation>
        </message>
        <message>
            <location filename="../../studio/ui/go_live/stream_panel.py" line="171" />
            <source>Reset key</source>
            <translation>Nouvelle clé</translation>
        </message>
        <message>
            <location filename="../../studio/ui/go_live/stream_panel.py" line="173" />
            <source>Make a new key? Anything still using the old one stops working at once.</source>
            <translation>Créer une nouvelle clé ? Tout ce qui utilise encore l’ancienne cessera aussitôt de fonctionner.</translation>
        </message>
        <message>
            <location filename="../../studio/ui/go_live/stream_panel.py" line="175" />
            <source>Make a new key</source>
            <translation>Créer une nouvelle clé</translation>
        </message>
        <message>
            <location filename="../../studio/ui/go_live/stream_panel.py" line="177" />
            <source>Stream key copied.</source>
            <translation>Clé de diffusion copiée.</translation>
        </message>
        <message>
            <location filename="../../studio/ui/go_live/stream_panel.py" line="222" />
            <source>Give your stream a title.</source>
            <translation>Donnez un titre à votre direct.</translation>
        </message>
        <message>
            <location filename="../../studio/ui/go_live/stream_panel.py" line="228" />
            <source>Tickets can't be sold in your account's currency.</source>
            <translation>Les billets ne peuvent pas être vendus dans la devise de votre compte.</translation>
        </message>
        <message>
            <location filename="../../studio/ui/go_live/stream_panel.py" line="232" />
            <source>Set a price your fans can pay.</source>
            <translation>Fixez un prix que vos fans peuvent payer.</translation>
        </message>
        <message>
            <location filename="../../studio/ui/go_live/stream_panel.py" line="243" />
            <source>Use 1 to 120 characters.</source>
            <translation>Utilisez 1 à 120 caractères.</translation>
        </message>
        <message>
            <location filename="../../studio/ui/go_live/stream_panel.py" line="285" />
            <source>No stream yet: create one</source>
            <translation>Pas encore de direct : créez-en un</translation>
        </message>
    </context>
    <context>
        <name>Withdraw</name>
        <message>
            <location filename="../../studio/ui/earnings/withdraw.py" />
            <source>Send to</source>
            <translation>Envoyer vers</translation>
        </message>
        <message>
            <location filename="../../studio/ui/earnings/withdraw.py" />
            <source>Withdraw to MTN MoMo</source>
            <translation>Retirer vers MTN MoMo</translation>
        </message>
        <message>
            <location filename="../../studio/ui/earnings/withdraw.py" />
            <source>At least %1.</source>
            <translation>Au moins %1.</translation>
        </message>
        <message>
            <location filename="../../studio/ui/earnings/withdraw.py" />
            <source>MTN MoMo phone number</source>
            <translation>Numéro de téléphone MTN MoMo</translation>
        </message>
        <message>
            <location filename="../../studio/ui/earnings/withdraw.py" />
            <source>The amount leaves your available balance now. If MTN MoMo refuses the payout, it comes back.</source>
            <translation>Le montant quitte votre solde disponible dès maintenant. Si MTN MoMo refuse le retrait, il y revient.</translation>
        </message>
        <message>
            <location filename="../../studio/ui/earnings/withdraw.py" />
            <source>Asking MTN MoMo to send %1 to %2.</source>
            <translation>Nous demandons à MTN MoMo d'envoyer %1 au %2.</translation>
        </message>
        <message>
            <location filename="../../studio/ui/earnings/withdraw.py" />
            <source>Send %1 to the MTN MoMo number %2?</source>
            <translation>Envoyer %1 au numéro MTN MoMo %2 ?</translation>
        </message>
        <message>
            <location filename="../../studio/ui/earnings/withdraw.py" />
            <source>MTN MoMo sent %1 to %2.</source>
            <translation>MTN MoMo a envoyé %1 au %2.</translation>
        </message>
        <message>
            <location filename="../../studio/ui/earnings/withdraw.py" />
            <source>Waiting for MTN MoMo to send %1 to %2. The amount is held until it does.</source>
            <translation>En attente de l'envoi de %1 au %2 par MTN MoMo. Le montant reste réservé d'ici là.</translation>
        </message>
        <message>
            <location filename="../../studio/ui/earnings/withdraw.py" />
            <source>This number has no MTN MoMo account.</source>
            <translation>Ce numéro n'a pas de compte MTN MoMo.</translation>
        </message>
        <message>
            <location filename="../../studio/ui/earnings/withdraw.py" />
            <source>Payouts are paused by MTN MoMo for now; try again later.</source>
            <translation>MTN MoMo a suspendu les retraits pour le moment : réessayez plus tard.</translation>
        </message>
        <message>
            <location filename="../../studio/ui/earnings/withdraw.py" />
            <source>MTN MoMo declined the payout.</source>
            <translation>MTN MoMo a refusé le retrait.</translation>
        </message>
        <message>
            <location filename="../../studio/ui/earnings/withdraw.py" />
            <source>MTN MoMo refused the payout request.</source>
            <translation>MTN MoMo a refusé la demande de retrait.</translation>
        </message>
        <message>
            <location filename="../../studio/ui/earnings/withdraw.py" />
            <source>MTN MoMo could not be reached, so nothing was sent.</source>
            <translation>MTN MoMo était injoignable : rien n'a été envoyé.</translation>
        </message>
        <message>
            <location filename="../../studio/ui/earnings/withdraw.py" />
            <source>Your balance was not touched.</source>
            <translation>Votre solde est intact.</translation>
        </message>
        <message>
            <location filename="../../studio/ui/earnings/withdraw.py" />
            <source>This number cannot receive M-Pesa payments.</source>
            <translation>Ce numéro ne peut pas recevoir de paiements M-Pesa.</translation>
        </message>
        <message>
            <location filename="../../studio/ui/earnings/withdraw.py" />
            <source>Payouts are paused by M-Pesa for now; try again later.</source>
            <translation>M-Pesa a suspendu les retraits pour le moment : réessayez plus tard.</translation>
        </message>
        <message>
            <location filename="../../studio/ui/earnings/withdraw.py" />
            <source>M-Pesa declined the payout.</source>
            <translation>M-Pesa a refusé le retrait.</translation>
        </message>
        <message>
            <location filename="../../studio/ui/earnings/withdraw.py" />
            <source>M-Pesa refused the payout request.</source>
            <translation>M-Pesa a refusé la demande de retrait.</translation>
        </message>
        <message>
            <location filename="../../studio/ui/earnings/withdraw.py" />
            <source>M-Pesa could not be reached, so nothing was sent.</source>
            <translation>M-Pesa était injoignable : rien n'a été envoyé.</translation>
        </message>
        <message>
            <location filename="../../studio/ui/earnings/withdraw.py" />
            <source>Withdraw</source>
            <translation>Retirer</translation>
        </message>
        <message>
            <location filename="../../studio/ui/earnings/withdraw.py" />
            <source>Withdraw to M-Pesa</source>
            <translation>Retirer vers M-Pesa</translation>
        </message>
        <message>
            <location filename="../../studio/ui/earnings/withdraw.py" />
            <source>Available: %1</source>
            <translation>Disponible : %1</translation>
        </message>
        <message>
            <location filename="../../studio/ui/earnings/withdraw.py" />
            <source>Amount (%1)</source>
            <translation>Montant (%1)</translation>
        </message>
        <message>
            <location filename="../../studio/ui/earnings/withdraw.py" />
            <source>Whole shillings, at least KES 10.</source>
            <translation>Shillings entiers, au moins 10 KES.</translation>
        </message>
        <message>
            <location filename="../../studio/ui/earnings/withdraw.py" />
            <source>M-Pesa phone number</source>
            <translation>Numéro de téléphone M-Pesa</translation>
        </message>
        <message>
            <location filename="../../studio/ui/earnings/withdraw.py" />
            <source>The money goes to this number.</source>
            <translation>L'argent est envoyé à ce numéro.</translation>
        </message>
        <message>
            <location filename="../../studio/ui/earnings/withdraw.py" />
            <source>Cancel</source>
            <translation>Annuler</translation>
        </message>
        <message>
            <location filename="../../studio/ui/earnings/withdraw.py" />
            <source>Continue</source>
            <translation>Continuer</translation>
        </message>
        <message>
            <location filename="../../studio/ui/earnings/withdraw.py" />
            <source>Confirm your withdrawal</source>
            <translation>Confirmez votre retrait</translation>
        </message>
        <message>
            <location filename="../../studio/ui/earnings/withdraw.py" />
            <source>The amount leaves your available balance now. If M-Pesa refuses the payout, it comes back.</source>
            <translation>Le montant quitte votre solde disponible dès maintenant. Si M-Pesa refuse le retrait, il y revient.</translation>
        </message>
        <message>
            <location filename="../../studio/ui/earnings/withdraw.py" />
            <source>Back</source>
            <translation>Retour</translation>
        </message>
        <message>
            <location filename="../../studio/ui/earnings/withdraw.py" />
            <source>Try again</source>
            <translation>Réessayer</translation>
        </message>
        <message>
            <location filename="../../studio/ui/earnings/withdraw.py" />
            <source>Close</source>
            <translation>Fermer</translation>
        </message>
        <message>
            <location filename="../../studio/ui/earnings/withdraw.py" />
            <source>Enter an amount like %1.</source>
            <translation>Saisissez un montant, par exemple %1.</translation>
        </message>
        <message>
            <location filename="../../studio/ui/earnings/withdraw.py" />
            <source>Sending…</source>
            <translation>Envoi…</translation>
        </message>
        <message>
            <location filename="../../studio/ui/earnings/withdraw.py" />
            <source>Asking M-Pesa to send %1 to %2.</source>
            <translation>Nous demandons à M-Pesa d'envoyer %1 au %2.</translation>
        </message>
        <message>
            <location filename="../../studio/ui/earnings/withdraw.py" />
            <source>Not sent yet</source>
            <translation>Pas encore envoyé</translation>
        </message>
        <message>
            <location filename="../../studio/ui/earnings/withdraw.py" />
            <source>Send %1 to the M-Pesa number %2?</source>
            <translation>Envoyer %1 au numéro M-Pesa %2 ?</translation>
        </message>
        <message>
            <location filename="../../studio/ui/earnings/withdraw.py" />
            <source>Sent</source>
            <translation>Envoyé</translation>
        </message>
        <message>
            <location filename="../../studio/ui/earnings/withdraw.py" />
            <source>M-Pesa sent %1 to %2.</source>
            <translation>M-Pesa a envoyé %1 au %2.</translation>
        </message>
        <message>
            <location filename="../../studio/ui/earnings/withdraw.py" />
            <source>Not sent</source>
            <translation>Non envoyé</translation>
        </message>
        <message>
            <location filename="../../studio/ui/earnings/withdraw.py" />
            <source>Pending</source>
            <translation>En attente</translation>
        </message>
        <message>
            <location filename="../../studio/ui/earnings/withdraw.py" />
            <source>Waiting for M-Pesa to send %1 to %2. The amount is held until it does.</source>
            <translation>En attente de l'envoi de %1 au %2 par M-Pesa. Le montant reste réservé d'ici là.</translation>
        </message>
        <message>
            <location filename="../../studio/ui/earnings/withdraw.py" />
            <source>That is more than you have available (%1).</source>
            <translation>C'est plus que votre solde disponible (%1).</translation>
        </message>
    </context>
    <context>
        <name>UpdateOffer</name>
        <message>
            <location filename="../../studio/ui/update_offer.py" line="33" />
            <source>the download did not finish, and nothing was kept</source>
            <translation>le téléchargement ne s'est pas terminé, et rien n'a été gardé</translation>
        </message>
        <message>
            <location filename="../../studio/ui/update_offer.py" line="35" />
            <source>the file is not the one the release feed announced</source>
            <translation>le fichier n'est pas celui qu'annonce le flux des versions</translation>
        </message>
        <message>
            <location filename="../../studio/ui/update_offer.py" line="37" />
            <source>it could not be saved on this computer</source>
            <translation>il n'a pas pu être enregistré sur cet ordinateur</translation>
        </message>
    </context>
</TS>
